import { eventStoreContract } from '../testing';
import { InMemoryEventStore } from './in-memory.event-store';

eventStoreContract('InMemoryEventStore', async () => {
  const store = new InMemoryEventStore({
    subscriptions: { pollIntervalMs: 20, retryInitialDelayMs: 1, retryMaxDelayMs: 10 },
  });
  return { store, cleanup: () => store.close() };
});
