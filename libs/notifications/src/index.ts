export * from './integration-events';
export * from './schemas';
export * from './kafka-publisher';
export * from './kafka-notifier';
