import { appendContract } from './contract/append.contract';
import {
  type ContractContext,
  type EventStoreContractOptions,
  type EventStoreFixture,
} from './contract/fixtures';
import { readContract } from './contract/read.contract';
import { robustnessContract } from './contract/robustness.contract';
import { subscriptionContract } from './contract/subscription.contract';
import type { EventStore } from './event-store.port';

export type { EventStoreContractOptions, EventStoreFixture };

/**
 * The behaviour every event-store adapter must show, as one jest suite. An adapter's spec runs
 * it with a factory giving a fresh store per test:
 *
 *   eventStoreContract('SqliteEventStore', async () => ({ store, cleanup }));
 *
 * Real differences between backends are options here, never skipped tests. The tests write to
 * streams with unique ids, so they also hold on a shared store that holds other events.
 */
export function eventStoreContract(
  name: string,
  factory: () => Promise<EventStoreFixture>,
  options: EventStoreContractOptions = {},
): void {
  const settings: Required<EventStoreContractOptions> = {
    largePayloadBytes: 1024 * 1024,
    concurrentWriters: 20,
    testTimeoutMs: 10_000,
    eventIdsUniqueAcrossStreams: true,
    ...options,
  };

  describe(`${name} (event store contract)`, () => {
    let fixture: EventStoreFixture | undefined;
    beforeEach(async () => {
      fixture = await factory();
    }, settings.testTimeoutMs);
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    }, settings.testTimeoutMs);

    const context: ContractContext = {
      store: (): EventStore => {
        if (!fixture) throw new Error('the store is only available inside a test');
        return fixture.store;
      },
      options: settings,
    };
    jest.setTimeout(settings.testTimeoutMs);

    appendContract(context);
    readContract(context);
    subscriptionContract(context);
    robustnessContract(context);
  });
}
