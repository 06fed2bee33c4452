export { sqlDialectOf, type SqlDialect } from './dialect';
export {
  migrateToLatest,
  MigrationError,
  type MigrateOptions,
  type MigrationReport,
  type MigrationSet,
} from './migrations';
export {
  createPostgresDb,
  postgresUrlProblem,
  redactPostgresUrl,
  type PostgresDbOptions,
} from './postgres';
export {
  isRetryableTransactionError,
  isTransientSqlError,
  isUniqueViolation,
  retryTransaction,
  type RetryOptions,
} from './sql-errors';
export * from './sqlite-kysely';
export * from './table';
export * from './sql-database';
