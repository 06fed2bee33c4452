export * from './app-config';
export * from './auth';
export * from './storage/open-storage';
export * from './storage/command-side.tables';
export * from './storage/storage-migrations';
export * from './storage/storage.module';
export * from './consumers.module';
export * from './logging';
