import { sql, type Kysely } from 'kysely';

/**
 * The SQL database that keeps state beside the log (read models, checkpoints, command-side
 * tables): a SQLite file today, PostgreSQL in production. One Kysely instance, so one driver:
 * on SQLite every transaction queues on its single connection, whoever starts it.
 */
export class SqlDatabase {
  constructor(private readonly db: Kysely<unknown>) {}

  /**
   * A typed view on the tables one component owns (`Kysely<ReadModelDb>`, ...). Each component
   * declares its own tables; the views share the instance above, hence the one cast.
   */
  tables<DB>(): Kysely<DB> {
    return this.db as unknown as Kysely<DB>;
  }

  /** Cheap reachability probe for health checks. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** Ends the driver; the connection itself stays with whoever opened it. */
  destroy(): Promise<void> {
    return this.db.destroy();
  }
}
