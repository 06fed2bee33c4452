import type { Actor, Role } from '@app/domain';
import type { Identity } from '@app/runtime';
import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';

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

/** Only actors with one of these roles reach the route; every other route needs only a valid token. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ALLOWED_ROLES, roles),
    ApiResponse({ status: 403, description: `only for the role ${roles.join(' or ')}` }),
  );

/** The authenticated actor (what events record), put on the request by the authentication hook. */
export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor => context.switchToHttp().getRequest().actor,
);

/** The caller's identity (actor, commission scope, issuer), or undefined on a public route. */
export const CurrentIdentity = createParamDecorator(
  (_: unknown, context: ExecutionContext): Identity | undefined =>
    context.switchToHttp().getRequest().identity ?? undefined,
);
