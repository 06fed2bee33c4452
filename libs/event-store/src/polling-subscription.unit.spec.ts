import type { RecordedEvent } from './event-store.port';
import { waitUntil } from '../../../test/support/wait';
import { SubscriptionHub, type GlobalLogSource } from './polling-subscription';

const event = (position: bigint): RecordedEvent => ({
  id: `id-${position}`,
  streamId: 'joint-venture-1',
  type: 'ThingHappened',
  revision: Number(position) - 1,
  position,
  data: {},
  metadata: {},
  committedAt: new Date(0).toISOString(),
});

/** A global log whose reads fail while `down` is set, as a store that went away would. */
function flakyLog(events: RecordedEvent[]) {
  const state = { down: false, reads: 0 };
  const source: GlobalLogSource = {
    readAll: async ({ after, maxCount }) => {
      state.reads += 1;
      if (state.down) throw new Error('store unreachable');
      return events.filter((e) => after === undefined || e.position > after).slice(0, maxCount);
    },
    headPosition: async () => {
      if (state.down) throw new Error('store unreachable');
      return events.at(-1)?.position;
    },
  };
  return { source, state };
}

const until = (check: () => boolean, what: string) => waitUntil(check, { what, pollMs: 5 });

describe('polling subscription: errors and recovery', () => {
  const settings = { pollIntervalMs: 5, retryInitialDelayMs: 1, retryMaxDelayMs: 5 };

  it('tells onRecovered once reads work again, though no new event arrives', async () => {
    const { source, state } = flakyLog([event(1n), event(2n)]);
    const hub = new SubscriptionHub(source, settings);
    const handled: bigint[] = [];
    const errors: string[] = [];
    let recoveries = 0;
    const subscription = hub.subscribe({
      handle: async (batch) => void handled.push(...batch.map((e) => e.position)),
      onError: (error) => errors.push(String(error)),
      onRecovered: () => (recoveries += 1),
    });
    await subscription.caughtUp;
    expect(handled).toEqual([1n, 2n]);

    state.down = true;
    await until(() => errors.length >= 2, 'two failed reads');
    expect(recoveries).toBe(0);

    state.down = false;
    await until(() => recoveries === 1, 'the recovery');
    const readsAtRecovery = state.reads;
    await until(() => state.reads >= readsAtRecovery + 3, 'three more polls');
    expect(recoveries).toBe(1); // once per recovery, not per poll
    expect(handled).toEqual([1n, 2n]);
    await hub.stopAll();
  });

  it('tells onRecovered when the handler accepts a batch it had refused', async () => {
    const { source } = flakyLog([event(1n)]);
    const hub = new SubscriptionHub(source, settings);
    let refusals = 2;
    let recoveries = 0;
    const subscription = hub.subscribe({
      handle: async () => {
        if (refusals-- > 0) throw new Error('read model locked');
      },
      onRecovered: () => (recoveries += 1),
    });
    await subscription.caughtUp;
    expect(recoveries).toBe(1);
    await hub.stopAll();
  });
});
