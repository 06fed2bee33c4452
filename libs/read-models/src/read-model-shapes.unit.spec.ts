import { sql } from 'kysely';
import { jointVentureSummaries } from './joint-venture-summaries/summaries.projection';
import { JOINT_VENTURE_PROJECTIONS, migrateReadModels } from './projections';
import { openTestReadModels, type TestReadModels } from './testing/read-model-test-db';

describe('read-model shapes', () => {
  let readModels: TestReadModels;
  beforeEach(async () => {
    readModels = await openTestReadModels();
  });
  afterEach(() => readModels.close());

  const columns = async (table: string) =>
    (
      await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(
        readModels.db,
      )
    ).rows.map((row) => row.name);

  it('records the shape each projection was built with', async () => {
    const rows = await readModels.db
      .selectFrom('read_model_shapes')
      .selectAll()
      .orderBy('projection')
      .execute();
    expect(rows).toEqual(
      JOINT_VENTURE_PROJECTIONS.map(({ name, shape }) => ({ projection: name, shape })).sort(
        (a, b) => a.projection.localeCompare(b.projection),
      ),
    );
  });

  it('keeps tables and checkpoints of a projection whose shape did not change', async () => {
    await readModels.checkpoints.store(jointVentureSummaries.name, 42n);
    await migrateReadModels(readModels.db);
    expect(await readModels.checkpoints.load(jointVentureSummaries.name)).toBe(42n);
  });

  it('replaces the tables of an earlier shape and forgets their checkpoint, so they rebuild from the log', async () => {
    // What release 0.1.0 left: a summaries table with a phase column, no shapes recorded.
    await readModels.db.schema.dropTable('jv_summaries').execute();
    await sql`create table jv_summaries (id text primary key, phase text)`.execute(readModels.db);
    await sql`insert into jv_summaries values ('x', 'modernization')`.execute(readModels.db);
    await readModels.db.deleteFrom('read_model_shapes').execute();
    await readModels.checkpoints.store(jointVentureSummaries.name, 42n);
    await readModels.checkpoints.store('Notifier', 7n);

    await migrateReadModels(readModels.db);

    expect(await columns('jv_summaries')).toContain('stage');
    expect(await readModels.db.selectFrom('jv_summaries').selectAll().execute()).toEqual([]);
    expect(await readModels.checkpoints.load(jointVentureSummaries.name)).toBeUndefined();
    expect(await readModels.checkpoints.load('Notifier')).toBe(7n);
  });
});
