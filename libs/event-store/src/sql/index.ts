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
  isUniqueViolation,
  retryTransaction,
  type RetryOptions,
} from './sql-errors';
