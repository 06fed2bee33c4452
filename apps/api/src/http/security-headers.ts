import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

const LOCKED_DOWN = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** The API answers JSON: a browser may load nothing on its behalf, nor frame it. */
export const API_CONTENT_SECURITY_POLICY = { useDefaults: false, directives: LOCKED_DOWN };

/**
 * The Swagger UI at /docs: its scripts, stylesheet and init script come from /docs, its icons
 * are data: URIs, "Try it out" calls this origin. Its page carries inline `<style>` blocks and
 * `style` attributes, so styles (never scripts) may be inline. Checked against the page itself
 * in security-headers.e2e.spec.ts.
 */
export const DOCS_CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    ...LOCKED_DOWN,
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
  },
};

/** Route config (`config.helmet`) that gives the docs routes their policy. */
export const DOCS_HELMET = { contentSecurityPolicy: DOCS_CONTENT_SECURITY_POLICY };

/** Security headers on every answer (@fastify/helmet): CSP, no sniffing, no framing, HSTS. */
export async function addSecurityHeaders(fastify: FastifyInstance): Promise<void> {
  await fastify.register(helmet, {
    contentSecurityPolicy: API_CONTENT_SECURITY_POLICY,
    frameguard: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
