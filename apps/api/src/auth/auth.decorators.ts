import type { Actor } from '@app/domain';
import type { Identity } from '@app/runtime';
import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension, ApiResponse } from '@nestjs/swagger';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { rolesFor, type AccessKind } from './access-policy';

export const PUBLIC_ROUTE = 'auth:public';
export const ALLOWED_ROLES = 'auth:roles';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs no token: set by `@Public()`, read by the authentication hook. */
    public?: boolean;
  }
}

function markPublic(handler: object): void {
  Reflect.defineMetadata(PUBLIC_ROUTE, true, handler);
  const config: object = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {};
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, public: true }, handler);
}

/**
 * The route needs no token (health, API docs). On a class, every route of the controller.
 * It goes into Fastify's route config too, because authentication runs in a Fastify hook
 * before the body is read, where Nest's metadata cannot be seen.
 */
export const Public =
  () =>
  (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor) return markPublic(descriptor.value);
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const member = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (name !== 'constructor' && typeof member === 'function') markPublic(member);
    }
  };

export const ACCESS_KIND = 'auth:access';
export const FORMER_PARTNERS_READ = 'auth:former-partners';

/**
 * What the route does, as the scope table (`access-policy.ts`) grants it: only the roles it
 * grants `kind` to reach the route, and on a route of one JV (`:id`) that JV must be in the
 * caller's scope (404 otherwise). `formerPartners`: a state that withdrew reads it too, up to
 * its withdrawal (the history).
 */
export const Access = (kind: AccessKind, options: Readonly<{ formerPartners?: boolean }> = {}) => {
  const roles = rolesFor(kind);
  return applyDecorators(
    SetMetadata(ACCESS_KIND, kind),
    SetMetadata(ALLOWED_ROLES, roles),
    ...(options.formerPartners ? [SetMetadata(FORMER_PARTNERS_READ, true)] : []),
    // In the OpenAPI document too: the authorization-matrix test is generated from it.
    ApiExtension('x-access', { kind, formerPartners: options.formerPartners === true }),
    ApiResponse({ status: 403, description: `only for the role ${roles.join(' or ')}` }),
  );
};

/** The authenticated actor (what events record), put on the request by the authentication hook. */
export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor => context.switchToHttp().getRequest().actor,
);

/**
 * The last version of the JV the caller may read: undefined for all of it, a version for a
 * member state that withdrew (set by the guard on `formerPartners` routes).
 */
export const VisibleUntil = createParamDecorator(
  (_: unknown, context: ExecutionContext): number | undefined =>
    context.switchToHttp().getRequest().visibleUntil,
);

/** The caller's identity (actor, commission scope, issuer), or undefined on a public route. */
export const CurrentIdentity = createParamDecorator(
  (_: unknown, context: ExecutionContext): Identity | undefined =>
    context.switchToHttp().getRequest().identity ?? undefined,
);
