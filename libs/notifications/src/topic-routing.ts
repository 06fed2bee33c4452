/**
 * Which Kafka topics a lifecycle notification goes to: the one shared topic, or (issue 10 §4)
 * the topics of the member states whose enterprises are partners of the JV, plus the
 * commission's, so that each state's consumers can be kept to its own topic by broker ACLs.
 */
import { fromStored, type JointVentureEvent } from '@app/domain';
import type { EventReader, RecordedEvent } from '@app/event-store';

/** One event for one topic. */
export type RoutedEvent = Readonly<{ topic: string; event: RecordedEvent }>;

/** Decides where each recorded JV event goes; called in log order, one event at a time. */
export interface TopicRouting {
  /** Every topic the routing can name, to create or check before publishing. */
  readonly topics: readonly string[];
  /** The event for each of its topics, in the order to publish them (earlier events may come first). */
  routesOf(event: RecordedEvent): Promise<readonly RoutedEvent[]>;
}

/** Every notification to one topic. */
export function sharedTopic(topic: string): TopicRouting {
  return { topics: [topic], routesOf: async (event) => [{ topic, event }] };
}

export type PerStateTopicsOptions = Readonly<{
  /** `jv.lifecycle.v1` gives `jv.lifecycle.v1.RU`, `jv.lifecycle.v1.CSTO`, ... */
  topicPrefix: string;
  memberStates: readonly string[];
  /** The commission's scope (e.g. `CSTO`): its topic receives every JV's notifications. */
  commission: string;
  /** Reads a JV's earlier events when the partners of a JV are not known in memory. */
  events: Pick<EventReader, 'readStream'>;
  /** JVs whose partners are kept in memory (default 10,000); others are read again. */
  cacheSize?: number;
}>;

/** `jv.lifecycle.v1` and `RU` -> `jv.lifecycle.v1.RU`. */
export const stateTopic = (topicPrefix: string, state: string): string => `${topicPrefix}.${state}`;

type Partners = Readonly<{ revision: number; states: ReadonlyMap<string, string> }>;

/**
 * Per-member-state topics, as the API scopes JVs: an event goes to the topic of every state with
 * a partner in the JV before or after it (so a withdrawing state receives its own withdrawal and
 * nothing after it left), and to the commission's topic. A state that joins the JV (admitted, or
 * back after a withdrawal) sees its whole history, as its users do through the API: its topic
 * first receives the JV's earlier events, then the admission. A state that is not in
 * `memberStates` has no topic and gets nothing (the API refuses such partners anyway).
 */
export function perStateTopics(options: PerStateTopicsOptions): TopicRouting {
  const { topicPrefix, memberStates, commission, events } = options;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, Partners>();

  const earlierEvents = (streamId: string, revision: number) =>
    revision === 0 ? Promise.resolve([]) : events.readStream(streamId, { maxCount: revision });

  /** The partners (enterprise -> state) after revision `before`, folded from the stream. */
  const partnersBefore = async (streamId: string, revision: number): Promise<Partners> => {
    const cached = cache.get(streamId);
    if (cached?.revision === revision - 1) return cached;
    let states = new Map<string, string>();
    for (const stored of await earlierEvents(streamId, revision))
      states = partnersAfter(states, fromStored(stored));
    return { revision: revision - 1, states };
  };

  return {
    topics: [...memberStates, commission].map((state) => stateTopic(topicPrefix, state)),
    async routesOf(recorded) {
      const before = await partnersBefore(recorded.streamId, recorded.revision);
      const after = partnersAfter(before.states, fromStored(recorded));
      cache.delete(recorded.streamId);
      cache.set(recorded.streamId, { revision: recorded.revision, states: after });
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
      const wasIn = new Set(before.states.values());
      const isIn = new Set(after.values());
      const routes: RoutedEvent[] = [];
      for (const state of memberStates) {
        if (!wasIn.has(state) && !isIn.has(state)) continue;
        const topic = stateTopic(topicPrefix, state);
        // Joining a JV after its establishment: its history first.
        if (!wasIn.has(state) && recorded.revision > 0)
          for (const event of await earlierEvents(recorded.streamId, recorded.revision))
            routes.push({ topic, event });
        routes.push({ topic, event: recorded });
      }
      routes.push({ topic: stateTopic(topicPrefix, commission), event: recorded });
      return routes;
    },
  };
}

/** The partners' member states (by enterprise code) after one event. */
function partnersAfter(
  partners: ReadonlyMap<string, string>,
  event: JointVentureEvent,
): Map<string, string> {
  const next = new Map(partners);
  switch (event.type) {
    case 'JointVentureEstablished':
      return new Map(event.data.partners.map((p) => [p.enterpriseCode, p.memberState]));
    case 'PartnerAdmitted':
      next.set(event.data.partner.enterpriseCode, event.data.partner.memberState);
      return next;
    case 'PartnerWithdrawn':
      next.delete(event.data.enterpriseCode);
      return next;
    default:
      return next;
  }
}
