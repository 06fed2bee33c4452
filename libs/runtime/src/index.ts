export * from './app-config';
export * from './auth';
export * from './storage/open-storage';
export * from './storage/storage.module';
export * from './consumers.module';
export * from './logging';
