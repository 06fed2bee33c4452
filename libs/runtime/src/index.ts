export * from './app-config';
export * from './storage.module';
export * from './projections.module';
