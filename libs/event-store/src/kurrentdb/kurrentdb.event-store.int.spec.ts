import { startKurrentDb, type TestKurrentDb } from '../../../../test/services/kurrentdb';
import { eventStoreContract } from '../testing';
import { KurrentDbEventStore } from './kurrentdb.event-store';

const fast = { retryInitialDelayMs: 1, retryMaxDelayMs: 10 };

let server: TestKurrentDb;
beforeAll(async () => {
  server = await startKurrentDb();
  console.log(`KurrentDB contract against: ${server.description}`);
});
afterAll(() => server?.stop());

// One server for the suite (as the contract allows: every test uses its own streams), one
// client per test.
eventStoreContract(
  'KurrentDbEventStore',
  async () => {
    const store = KurrentDbEventStore.connect(server.connectionString, { subscriptions: fast });
    return { store, cleanup: () => store.close() };
  },
  {
    testTimeoutMs: 20_000,
    eventIdsUniqueAcrossStreams: false,
  },
);
