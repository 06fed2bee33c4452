import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { AppConfig } from '../app-config';

/** Tracing is on when an OTLP endpoint is configured, or OTEL_ENABLED=true (the SDK's defaults). */
export function tracingEnabled(config: AppConfig): boolean {
  return config.OTEL_ENABLED === 'true' || Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * Starts OpenTelemetry before the app is built: HTTP and Fastify requests, kafkajs sends, and
 * the ledger's own spans (command, append, publish) exported over OTLP/HTTP to
 * OTEL_EXPORTER_OTLP_ENDPOINT (the SDK reads the other OTEL_* variables itself). When tracing
 * is off: undefined, and the SDK is not even loaded.
 */
export async function startTracing(
  config: AppConfig,
  serviceName: string,
): Promise<NodeSDK | undefined> {
  if (!tracingEnabled(config)) return undefined;
  const [
    { NodeSDK },
    { HttpInstrumentation },
    { KafkaJsInstrumentation },
    { FastifyOtelInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-kafkajs'),
    import('@fastify/otel'),
  ]);
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: [
      new HttpInstrumentation(),
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
