export * from './app-config';
export * from './storage.module';
export * from './projections.module';
export * from './notifications.module';
export * from './logging';
