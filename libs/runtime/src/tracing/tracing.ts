import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { EventStore } from '@app/event-store';

const TRACER = 'jv-ledger';

/**
 * Runs `work` in a span that is the active one inside it (so spans opened within are its
 * children), ended when it settles; an error is recorded on it. Without a tracer provider
 * registered (tracing off, the default) this is OpenTelemetry's no-op and costs next to nothing.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The event store with every append in a span `append` (stream, count, position). */
export function tracedAppends(store: EventStore): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'appendToStream') {
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      }
      const append: EventStore['appendToStream'] = (streamId, events, options) =>
        inSpan('append', { 'jv.stream_id': streamId, 'jv.events': events.length }, async () => {
          const result = await target.appendToStream(streamId, events, options);
          trace.getActiveSpan()?.setAttribute('jv.position', result.position.toString());
          return result;
        });
      return append;
    },
  });
}
