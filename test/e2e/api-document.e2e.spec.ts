import { startTestApp, type TestApp } from './support/test-app';

type Operation = {
  security?: unknown[];
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  parameters?: Array<{ in: string; name: string; schema: Record<string, unknown> }>;
  responses: Record<
    string,
    { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }
  >;
};

/** The OpenAPI document describes every answer the service can give and what it enforces. */
describe('the OpenAPI document', () => {
  let testApp: TestApp;
  let operations: Array<[string, Operation]>;
  let schemas: Record<
    string,
    { additionalProperties?: unknown; properties?: Record<string, { enum?: unknown }> }
  >;

  beforeAll(async () => {
    testApp = await startTestApp({ MEMBER_STATES: 'AM,BY,RU' });
    const document = (await testApp.raw({ method: 'GET', url: '/docs-json' })).body;
    schemas = document.components.schemas;
    operations = Object.entries(
      document.paths as Record<string, Record<string, Operation>>,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        op,
      ]),
    );
  });
  afterAll(() => testApp.close());

  it('gives every error answer the problem schema, as application/problem+json', () => {
    for (const [name, operation] of operations)
      for (const [status, response] of Object.entries(operation.responses))
        if (Number(status) >= 400)
          expect({
            name,
            status,
            schema: response.content?.['application/problem+json']?.schema,
          }).toEqual({
            name,
            status,
            schema: { $ref: '#/components/schemas/Problem' },
          });
    expect(schemas.Problem).toMatchObject({ required: ['type', 'title', 'status'] });
  });

  it('lists on each route the answers every route can give', () => {
    for (const [name, operation] of operations) {
      const statuses = Object.keys(operation.responses);
      const expected = ['400', '414', '429'];
      if (operation.security?.length) expected.push('401', '503');
      if (operation.requestBody) expected.push('413', '415');
      if (name.includes('{id}')) expected.push('404');
      expect({ name, missing: expected.filter((status) => !statuses.includes(status)) }).toEqual({
        name,
        missing: [],
      });
      if (operation.responses['429'])
        expect(operation.responses['429'].headers).toHaveProperty('Retry-After');
      if (operation.responses['401'])
        expect(operation.responses['401'].headers).toHaveProperty('WWW-Authenticate');
    }
  });

  it('documents 403 on every route limited to a role', () => {
    const limited = operations.filter(([name]) =>
      /\/(history|state|verification|export)$|^GET \/metrics|^(POST|PUT) /.test(name),
    );
    expect(limited.length).toBeGreaterThan(10);
    for (const [name, operation] of limited)
      expect({ name, has403: '403' in operation.responses }).toEqual({ name, has403: true });
  });

  it('states the patterns ids and headers must match, page-size bounds, and the configured member states', () => {
    for (const [name, operation] of operations)
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && parameter.name === 'id')
          expect({ name, schema: parameter.schema }).toMatchObject({
            name,
            schema: { format: 'uuid' },
          });
        if (parameter.in === 'header' && ['If-Match', 'Idempotency-Key'].includes(parameter.name))
          expect({ name, pattern: typeof parameter.schema.pattern }).toEqual({
            name,
            pattern: 'string',
          });
        if (parameter.name === 'limit')
          expect({ name, schema: parameter.schema }).toMatchObject({
            name,
            schema: { type: 'integer', minimum: 1, maximum: expect.any(Number) },
          });
        if (parameter.name === 'memberState')
          expect(parameter.schema.enum).toEqual(['AM', 'BY', 'RU']);
      }
    expect(schemas.PartnerDto.properties?.memberState.enum).toEqual(['AM', 'BY', 'RU']);
  });

  it('says that request bodies take no unknown field, and which bodies may be left out', () => {
    for (const [name, schema] of Object.entries(schemas))
      if (name !== 'Problem')
        expect({ name, additionalProperties: schema.additionalProperties }).toEqual({
          name,
          additionalProperties: false,
        });
    const start = operations.find(
      ([name]) => name === 'POST /joint-ventures/{id}/{stage}/start',
    )![1];
    expect(start.requestBody?.required).toBe(false);
    const establish = operations.find(([name]) => name === 'POST /joint-ventures')![1];
    expect(establish.requestBody?.required).toBe(true);
  });
});
