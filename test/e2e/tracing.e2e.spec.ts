/**
 * Traces across HTTP -> command -> append, carrying the correlation id: the API with a tracer
 * provider that keeps spans in memory and the same Fastify instrumentation startTracing installs.
 * (Off by default: without a provider, inSpan is OpenTelemetry's no-op.)
 */
import { FastifyOtelInstrumentation } from '@fastify/otel';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { trace } from '@opentelemetry/api';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, localTokensOf } from '@app/runtime';
import { startApiProcess, type ApiProcess } from './support/api-process';
import {
  establishBody,
  eventually,
  RU_MANAGER,
  startTestApp,
  type TestApp,
} from './support/test-app';

describe('OpenTelemetry traces', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const fastify = new FastifyOtelInstrumentation({ registerOnInitialization: true });
  let testApp: TestApp;

  beforeAll(async () => {
    provider.register();
    fastify.setTracerProvider(provider);
    fastify.enable();
    testApp = await startTestApp();
  });
  afterAll(async () => {
    await testApp?.close();
    fastify.disable();
    await provider.shutdown();
    trace.disable();
  });

  it('links the request, the command and its append in one trace, with the correlation id', async () => {
    const correlationId = `corr-${randomUUID()}`;
    const manager = await testApp.as(RU_MANAGER);
    const created = await manager.post(
      '/joint-ventures',
      establishBody({ name: `T ${randomUUID()}` }),
      {
        'x-correlation-id': correlationId,
      },
    );
    expect(created.status).toBe(201);

    const spans = await eventually(async () => {
      const finished = exporter.getFinishedSpans();
      expect(finished.some((s) => s.name === 'append')).toBe(true);
      return finished;
    });
    const command = spans.find(
      (s) =>
        s.name === 'command EstablishJointVenture' &&
        s.attributes['jv.correlation_id'] === correlationId,
    );
    expect(command).toBeDefined();
    const parentOf = (span: ReadableSpan) =>
      spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
    const append = spans.find((s) => s.name === 'append' && parentOf(s) === command);
    expect(append?.attributes['jv.stream_id']).toBe(`joint-venture-${created.body.id}`);
    // Up from the command: the request's spans, all in the command's trace.
    const ancestors: ReadableSpan[] = [];
    for (let s = parentOf(command!); s; s = parentOf(s)) ancestors.push(s);
    expect(ancestors.length).toBeGreaterThan(0);
    expect(ancestors.at(-1)!.name).toBe('request');
    for (const span of [append!, ...ancestors])
      expect(span.spanContext().traceId).toBe(command!.spanContext().traceId);
  });
});

describe('an API process with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const bodies: Buffer[] = [];
  let receiver: Server;
  let api: ApiProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'jv-otlp-'));

  beforeAll(async () => {
    // A local OTLP/HTTP receiver: keeps what is posted to /v1/traces.
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await api?.stop();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the command span with its correlation id to the collector', async () => {
    const jwtSecret = randomBytes(32).toString('base64url');
    const { port } = receiver.address() as AddressInfo;
    api = await startApiProcess({
      dataDir: dir,
      jwtSecret,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
    const token = await localTokensOf(loadConfig({ JWT_SECRET: jwtSecret }), {
      createKey: false,
    }).issue(RU_MANAGER);
    const correlationId = `corr-${randomUUID()}`;
    const reply = await fetch(`${api.baseUrl}/joint-ventures`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify(establishBody({ name: `Otlp ${randomUUID()}` })),
    });
    expect(reply.status).toBe(201);
    await eventually(async () => {
      const exported = Buffer.concat(bodies);
      expect(exported.includes('command EstablishJointVenture')).toBe(true);
      expect(exported.includes(correlationId)).toBe(true);
      expect(exported.includes('append')).toBe(true);
    });
  });
});
