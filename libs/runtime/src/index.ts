export * from './app-config';
export * from './storage/open-storage';
export * from './storage/storage.module';
export * from './consumers.module';
