import type { AppConfig } from '@app/runtime';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { RateLimitedError } from '../problem/application-errors';

export type RateLimitHooks = Readonly<{
  /** Before authentication: counts every request of a client address, anonymous ones too. */
  perAddress?: onRequestAsyncHookHandler;
  /** After authentication: counts the requests of one subject of one issuer, from anywhere. */
  perSubject?: onRequestAsyncHookHandler;
}>;

/**
 * Fixed-window limits kept in memory by @fastify/rate-limit, in `onRequest` hooks so a client
 * over its limit costs no body parsing either. Each replica counts for itself. 0 turns one off.
 */
export async function rateLimitHooks(
  fastify: FastifyInstance,
  config: AppConfig,
): Promise<RateLimitHooks> {
  await fastify.register(rateLimit, { global: false });
  const windowSeconds = config.RATE_LIMIT_WINDOW_MS / 1000;
  const limiter = (
    scope: 'address' | 'subject',
    max: number,
    keyGenerator?: (request: FastifyRequest) => string,
  ): onRequestAsyncHookHandler | undefined => {
    if (max === 0) return undefined;
    const check = fastify.createRateLimit({
      max,
      timeWindow: config.RATE_LIMIT_WINDOW_MS,
      ...(keyGenerator ? { keyGenerator } : {}),
    });
    return async (request) => {
      if (scope === 'subject' && !request.identity) return;
      const limit = await check(request);
      if (!limit.isAllowed && limit.isExceeded)
        throw new RateLimitedError(scope, max, windowSeconds, Math.max(1, limit.ttlInSeconds));
    };
  };
  return {
    perAddress: limiter('address', config.RATE_LIMIT_PER_ADDRESS),
    perSubject: limiter(
      'subject',
      config.RATE_LIMIT_PER_SUBJECT,
      (request) => `${request.identity?.issuer}\n${request.identity?.actor.subject}`,
    ),
  };
}
