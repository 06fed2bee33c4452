import type { AppConfig, TokenVerifier } from '@app/runtime';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { authenticateRequests } from '../auth/authentication.hook';
import { acceptedStatusHook } from '../shared/accepted-status';
import { parseJsonBodies } from './json-body.parser';
import { rateLimitHooks } from './rate-limits';
import { addSecurityHeaders, DOCS_HELMET } from './security-headers';
import { httpError } from './server-options';

/** Longer URLs get 414 (well under HTTP_MAX_HEADER_BYTES, which counts the request line too). */
export const MAX_URL_LENGTH = 4096;

/** Paths served by the Swagger UI and the OpenAPI document: public, like the health checks. */
const isDocsPath = (url: string) =>
  url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs-json');

/**
 * What every request goes through before Nest sees it, in this order (Fastify `onRequest`
 * hooks, so nothing below reads the body of a request refused here):
 * 1. security headers on every answer; 2. URL length (414); 3. the client address's rate
 * (429); 4. the bearer token (401; the identity goes on the request); 5. the subject's rate
 * (429); then 6. the body, JSON only, UTF-8, nesting and arrays bounded (415, 400, 413).
 * Nest then checks the role (403) and validates (400); its filter answers every error.
 */
export async function installHttpPipeline(
  app: NestFastifyApplication,
  config: AppConfig,
  verifier: TokenVerifier,
): Promise<void> {
  // @nestjs/platform-fastify pins its own copy of fastify 5; ours (same major) types the hooks.
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  // Before helmet's own onRoute hook, which turns `route.helmet` into the route's policy.
  fastify.addHook('onRoute', (route) => {
    if (!isDocsPath(route.url)) return;
    route.config = { ...route.config, public: true };
    route.helmet = DOCS_HELMET;
  });
  await addSecurityHeaders(fastify);
  fastify.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH)
      throw httpError(414, `the URL is longer than ${MAX_URL_LENGTH} characters`);
  });
  const limits = await rateLimitHooks(fastify, config);
  if (limits.perAddress) fastify.addHook('onRequest', limits.perAddress);
  authenticateRequests(fastify, verifier);
  if (limits.perSubject) fastify.addHook('onRequest', limits.perSubject);
  acceptedStatusHook(fastify);
  parseJsonBodies(fastify, {
    maxDepth: config.BODY_MAX_DEPTH,
    maxArrayItems: config.BODY_MAX_ARRAY_ITEMS,
  });
}
