import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestValidationError } from '../problem/application-errors';

export type JsonLimits = Readonly<{ maxDepth: number; maxArrayItems: number }>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** How deep `{`/`[` nest in JSON text, stopping once past `limit`; one pass, no recursion. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** The path of the first array longer than `limit` (depth is bounded already). */
function longArrayIn(value: unknown, limit: number, path = ''): string | undefined {
  if (Array.isArray(value)) {
    if (value.length > limit) return path || 'body';
    for (let i = 0; i < value.length; i += 1) {
      const found = longArrayIn(value[i], limit, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      const found = longArrayIn(member, limit, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

const refuse = (field: string, message: string) => new RequestValidationError([{ field, message }]);

/**
 * The only body parser: a JSON object in UTF-8, bounded before validation walks it.
 * Invalid UTF-8 is refused (not replaced), nesting is checked on the text before parsing, and
 * array lengths after; `__proto__` and `constructor.prototype` are refused as Fastify refuses
 * them. Any other media type gets 415.
 */
export function parseJsonBodies(fastify: FastifyInstance, limits: JsonLimits): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (
      request: FastifyRequest,
      body: Buffer,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      const charset = /;\s*charset=("?)([\w-]+)\1/i.exec(request.headers['content-type'] ?? '');
      if (charset && charset[2].toLowerCase() !== 'utf-8')
        return done(Object.assign(new Error('JSON bodies must be UTF-8'), { statusCode: 415 }));
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        return done(refuse('body', 'the body is not valid UTF-8'));
      }
      if (nestsDeeperThan(text, limits.maxDepth))
        return done(
          refuse('body', `JSON nests deeper than ${limits.maxDepth} levels (BODY_MAX_DEPTH)`),
        );
      parseJson(request, text, (error, parsed) => {
        if (error) return done(error);
        // Every route takes an object; `null`, a list or a bare value is never a request.
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          return done(refuse('body', 'the body must be a JSON object'));
        const field = longArrayIn(parsed, limits.maxArrayItems);
        if (field)
          return done(
            refuse(
              field,
              `${field} has more than ${limits.maxArrayItems} items (BODY_MAX_ARRAY_ITEMS)`,
            ),
          );
        done(null, parsed);
      });
    },
  );
}
