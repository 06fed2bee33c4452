import type { Actor } from '@app/domain';
import { InvalidTokenError, type Identity, type TokenVerifier } from '@app/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthenticationRequiredError } from '../problem/application-errors';

/** DI token of the service's `TokenVerifier` (by AUTH_MODE). */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer token vouches for; null when there is none (public routes only). */
    identity: Identity | null;
    /** `identity.actor`: what the events of a command record. */
    actor: Actor | null;
  }
}

/** The credentials of `Authorization: Bearer <token>`; undefined when there are none. */
function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || !/^bearer(\s|$)/i.test(header)) return undefined;
  const match = /^bearer +([\w.~+/-]+=*) *$/i.exec(header);
  if (!match) throw new InvalidTokenError('the Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * Authenticates every request in Fastify's `onRequest` hook, before its body is read or parsed,
 * so an anonymous or badly signed request costs no more than its rejection. The Nest guard then
 * only checks roles. Public routes take a valid token when one comes (health shows operators
 * more) and ignore a bad one.
 */
export function authenticateRequests(fastify: FastifyInstance, verifier: TokenVerifier): void {
  fastify.decorateRequest('identity', null);
  fastify.decorateRequest('actor', null);
  fastify.addHook('onRequest', async (request, reply) => {
    const isPublic = request.routeOptions.config?.public === true;
    // Whatever a protected route answers (401 included) is about one caller: never cache it.
    if (!isPublic) void reply.header('cache-control', 'no-store');
    let token: string | undefined;
    try {
      token = bearerTokenOf(request);
      if (token === undefined) {
        if (isPublic) return;
        throw new AuthenticationRequiredError();
      }
      request.identity = await verifier.verify(token);
    } catch (error) {
      if (isPublic && error instanceof InvalidTokenError) return;
      throw error;
    }
    request.actor = request.identity.actor;
    void reply.header('cache-control', 'no-store');
  });
}
