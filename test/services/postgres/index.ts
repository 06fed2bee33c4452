/**
 * A real PostgreSQL for integration tests (see test/services/README.md):
 * `describeWithPostgres` for jest suites, `startPostgres` for full control.
 */
export {
  describeWithPostgres,
  type DescribeWithPostgresOptions,
  type SuitePostgres,
} from './describe-with-postgres';
export {
  planPostgres,
  startPostgres,
  type PostgresKind,
  type PostgresPlan,
  type TestPostgres,
} from './test-postgres';
export { POSTGRES_IMAGE } from './container-postgres';
