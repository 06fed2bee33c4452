import { InMemoryEventStore } from '@app/event-store';
import { JointVentureHistory } from '@test/support/joint-venture-history';
import { perStateTopics, sharedTopic } from './topic-routing';

const options = (events: InMemoryEventStore) => ({
  topicPrefix: 'jv.lifecycle.v1',
  memberStates: ['AM', 'BY', 'KZ', 'RU'],
  commission: 'CSTO',
  events,
});
const topics = (...states: string[]) => states.map((state) => `jv.lifecycle.v1.${state}`);

describe('topic routing', () => {
  let store: InMemoryEventStore;
  beforeEach(() => (store = new InMemoryEventStore()));
  afterEach(() => store.close());

  it('shared: every notification to the one topic', async () => {
    const history = new JointVentureHistory().established();
    await store.appendToStream(history.streamId, history.toAppend(), {
      expectedRevision: 'no_stream',
    });
    const [event] = await store.readAll();
    expect(await sharedTopic('jv.lifecycle.v1').routesOf(event)).toEqual([
      { topic: 'jv.lifecycle.v1', event },
    ]);
  });

  it('per state: each partner state’s topic holds the JV’s history while it takes part, a joining state gets the history first, the commission’s all', async () => {
    // RU and BY from the start, KZ admitted at version 6, BY withdrawn at version 7.
    const history = new JointVentureHistory().fullLifecycle();
    await store.appendToStream(history.streamId, history.toAppend(), {
      expectedRevision: 'no_stream',
    });
    const events = await store.readAll();
    expect(events[6].type).toBe('PartnerAdmitted');
    expect(events[7].type).toBe('PartnerWithdrawn');
    const routing = perStateTopics(options(store));
    expect(routing.topics).toEqual(topics('AM', 'BY', 'KZ', 'RU', 'CSTO'));

    /** Per topic, the revisions it receives, in publishing order. */
    const publish = async (route: typeof routing) => {
      const byTopic: Record<string, number[]> = {};
      for (const event of events)
        for (const routed of await route.routesOf(event))
          (byTopic[routed.topic] ??= []).push(routed.event.revision);
      return byTopic;
    };
    const all = events.map((event) => event.revision);
    const received = await publish(routing);
    expect(received).toEqual({
      [topics('BY')[0]]: all.slice(0, 8), // up to and including its withdrawal
      [topics('KZ')[0]]: all, // the history before its admission, then everything
      [topics('RU')[0]]: all,
      [topics('CSTO')[0]]: all,
    });

    // A fresh process (nothing cached) or a tiny cache reads the stream and agrees.
    expect(await publish(perStateTopics(options(store)))).toEqual(received);
    expect(await publish(perStateTopics({ ...options(store), cacheSize: 0 }))).toEqual(received);
    // An event offered again out of order (a redelivery) is routed as the first time.
    expect(await perStateTopics(options(store)).routesOf(events[9])).toEqual(
      await routing.routesOf(events[9]),
    );
  });
});
