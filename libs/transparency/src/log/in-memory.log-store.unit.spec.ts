import { InMemoryLogStore } from './in-memory.log-store';
import { logStoreContract } from './log-store.contract';

logStoreContract('InMemoryLogStore', async () => {
  const store = new InMemoryLogStore();
  return { store, reopen: async () => store, close: async () => undefined };
});
