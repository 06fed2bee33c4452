export * from './integration-events';
export * from './schemas';
export * from './notification-publisher.port';
export * from './kafka/kafka-publisher';
export * from './notifier';
export * from './checkpoint-notifications';
export * from './topic-routing';
