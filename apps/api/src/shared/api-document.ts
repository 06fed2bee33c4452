import type { AppConfig } from '@app/runtime';
import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { STATUS_CODES } from 'node:http';
import { ENTERPRISE_CODE } from './common.dto';

const PROBLEM = { $ref: '#/components/schemas/Problem' };

/** RFC 9457 problem details as ProblemDetailsFilter sends them. */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'every offending field, by its path in the request (`partners[1].name`)',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    retryAfterSeconds: { type: 'integer', minimum: 1 },
  },
  // Extension members say what a client needs to act (currentPhase, allowed, currentVersion, ...).
  additionalProperties: true,
};

const RETRY_AFTER = { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } };

/** Answers any route can give, whatever it does; described once here rather than on each. */
const SHARED: Record<number, string> = {
  400: 'a malformed URL, query or body; `errors` names every offending field',
  414: 'a URL longer than 4096 characters or a path parameter over 100',
  429: 'more requests than the rate limit of the client address or the subject (Retry-After)',
};
const AUTHENTICATED: Record<number, string> = {
  401: 'a missing, expired or invalid bearer token (WWW-Authenticate says which)',
  503: "the event store or the token's issuer cannot be reached; retry later (Retry-After)",
};
const WITH_BODY: Record<number, string> = {
  413: 'a body larger than BODY_LIMIT_BYTES',
  415: 'a body that is not application/json in UTF-8',
};

/** What the service checks in headers and path parameters, as patterns a client can see. */
const PARAMETER_SCHEMAS: Record<string, SchemaObject> = {
  'path:id': { type: 'string', format: 'uuid' },
  'path:enterpriseCode': { type: 'string', pattern: ENTERPRISE_CODE.source },
  'header:If-Match': { type: 'string', pattern: '^\\s*(W/)?"?\\d{1,15}"?\\s*$' },
  'header:Idempotency-Key': { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
};

function problemResponse(
  response: ResponseObject | undefined,
  status: number,
  description: string,
) {
  const headers: ResponseObject['headers'] =
    status === 429 || status === 503
      ? { 'Retry-After': RETRY_AFTER }
      : status === 401
        ? { 'WWW-Authenticate': { schema: { type: 'string' } } }
        : undefined;
  return {
    description: response?.description ?? `${STATUS_CODES[status]}: ${description}`,
    ...(headers ? { headers } : {}),
    content: { 'application/problem+json': { schema: PROBLEM } },
  };
}

/** A body whose fields are all optional may be left out entirely (`POST .../production/start`). */
function bodyIsOptional(
  operation: OperationObject,
  schemas: Record<string, SchemaObject>,
): boolean {
  const body = operation.requestBody as RequestBodyObject | undefined;
  const ref = (body?.content['application/json']?.schema as { $ref?: string } | undefined)?.$ref;
  const schema = ref ? schemas[ref.split('/').pop() ?? ''] : undefined;
  return schema !== undefined && !schema.required?.length;
}

function completeOperation(
  operation: OperationObject,
  schemas: Record<string, SchemaObject>,
  memberStates: readonly string[],
): void {
  if (operation.requestBody && bodyIsOptional(operation, schemas))
    (operation.requestBody as RequestBodyObject).required = false;
  const responses = operation.responses as Record<string, ResponseObject>;
  const shared = {
    ...SHARED,
    ...(operation.security?.length ? AUTHENTICATED : {}),
    ...(operation.requestBody ? WITH_BODY : {}),
  };
  for (const [status, description] of Object.entries(shared))
    responses[status] ??= { description: `${STATUS_CODES[status]}: ${description}` };
  for (const [status, response] of Object.entries(responses))
    if (Number(status) >= 400)
      responses[status] = problemResponse(response, Number(status), response.description);

  for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
    const known = PARAMETER_SCHEMAS[`${parameter.in}:${parameter.name}`];
    if (known) parameter.schema = { ...(parameter.schema as SchemaObject), ...known };
    if (parameter.name === 'memberState')
      parameter.schema = { ...(parameter.schema as SchemaObject), enum: [...memberStates] };
  }
}

/**
 * Completes Nest's generated document with what the service enforces around the controllers,
 * so that a schema-driven client or fuzzer meets no surprise: the problem schema on every error
 * answer, the answers every route can give (400, 414, 429; 401 and 503 behind a token; 413 and
 * 415 with a body), the patterns of ids and headers, the configured member states, and that
 * request bodies take no unknown field. A method a path lacks answers 405 with `Allow`.
 */
export function completeApiDocument(document: OpenAPIObject, config: AppConfig): OpenAPIObject {
  const schemas = (document.components ??= {}).schemas ?? {};
  for (const schema of Object.values(schemas) as SchemaObject[]) {
    // The validation pipe refuses unknown fields (forbidNonWhitelisted).
    schema.additionalProperties = false;
    const memberState = schema.properties?.memberState as SchemaObject | undefined;
    if (memberState) memberState.enum = [...config.MEMBER_STATES];
  }
  document.components.schemas = { ...schemas, Problem: PROBLEM_SCHEMA };
  for (const path of Object.values(document.paths))
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = path[method];
      if (operation)
        completeOperation(operation, schemas as Record<string, SchemaObject>, config.MEMBER_STATES);
    }
  return document;
}
