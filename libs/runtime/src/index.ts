export * from './app-config';
export * from './auth';
export * from './storage.module';
export * from './projections.module';
export * from './notifications.module';
