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
    expect(await sharedTopic('jv.lifecycle.v1').topicsOf(event)).toEqual(['jv.lifecycle.v1']);
  });

  it('per state: the partners’ states before or after each event, and the commission; a state that left gets nothing more', async () => {
    // RU and BY from the start, KZ admitted at version 6, BY withdrawn at version 7.
    const history = new JointVentureHistory().fullLifecycle();
    await store.appendToStream(history.streamId, history.toAppend(), {
      expectedRevision: 'no_stream',
    });
    const events = await store.readAll();
    const routing = perStateTopics(options(store));
    expect(routing.topics).toEqual(topics('AM', 'BY', 'KZ', 'RU', 'CSTO'));
    const routed = [];
    for (const event of events) routed.push(await routing.topicsOf(event));

    expect(events[6].type).toBe('PartnerAdmitted');
    expect(events[7].type).toBe('PartnerWithdrawn');
    expect(routed.slice(0, 6)).toEqual(Array(6).fill(topics('BY', 'RU', 'CSTO')));
    expect(routed[6]).toEqual(topics('BY', 'KZ', 'RU', 'CSTO'));
    expect(routed[7]).toEqual(topics('BY', 'KZ', 'RU', 'CSTO'));
    expect(routed.slice(8)).toEqual(Array(events.length - 8).fill(topics('KZ', 'RU', 'CSTO')));

    // A fresh process (nothing cached), or an event offered again, reads the stream and agrees.
    const cold = perStateTopics(options(store));
    expect(await cold.topicsOf(events[9])).toEqual(routed[9]);
    expect(await cold.topicsOf(events[3])).toEqual(routed[3]);
    const tiny = perStateTopics({ ...options(store), cacheSize: 1 });
    for (const [i, event] of events.entries())
      expect(await tiny.topicsOf(event)).toEqual(routed[i]);
  });
});
