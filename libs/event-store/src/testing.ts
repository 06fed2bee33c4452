/**
 * Test support, kept out of the main barrel so that product code never loads jest.
 * Import from `@app/event-store/testing`.
 */
export {
  eventStoreContract,
  type EventStoreContractOptions,
  type EventStoreFixture,
} from './event-store.contract';
