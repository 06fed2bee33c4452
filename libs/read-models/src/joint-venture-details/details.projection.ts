/**
 * JointVentureDetails: the detail view of one JV. It folds events with the domain's own
 * `evolve`, so partners, shares, units, work orders and IP results are computed exactly as
 * commands see them, and stores the resulting state as one JSON document per JV; beside it, its
 * facts, and what each event changed in the unit totals of each product code, dated by its effect.
 */
import {
  effectiveDateOf,
  evolve,
  initialState,
  type ExistingJointVenture,
  type JointVentureState,
  type RecordedFact,
  type Units,
} from '@app/domain';
import type { Kysely } from 'kysely';
import type { ProjectedEvent, Projection } from '../projection';
import type { ReadModelDb } from '../read-model-db';
import { DETAILS_TABLES, TOTAL_COLUMNS } from './details.tables';

export const jointVentureDetails: Projection = {
  name: 'JointVentureDetails',
  // 2: stages and work orders, per-version units, the dated unit changes and the facts (issue 13).
  shape: 2,
  tables: DETAILS_TABLES,
  createIndexes: async (schema) => {
    await schema
      .createIndex('jv_unit_changes_effective_idx')
      .ifNotExists()
      .on('jv_unit_changes')
      .columns(['jv_id', 'effective_on'])
      .execute();
  },

  async handle(db, event) {
    const row = await db
      .selectFrom('jv_details')
      .select(['version', 'state'])
      .where('id', '=', event.jointVentureId)
      .executeTakeFirst();
    if (row !== undefined && row.version >= event.revision) return;

    const before = await stateBefore(db, event, row?.state);
    const after = evolve(before, event);
    // evolve ignores anything before the establishment; there is nothing to show yet.
    if (after.status !== 'existing') return;
    await recordFacts(db, event.jointVentureId, before, after);
    // Proposals are not part of the detail view: JointVenturePendingApprovals lists them.
    const { facts: _, proposals: __, ...document } = after;
    const text = JSON.stringify(document);
    documents.remember(event.jointVentureId, text, { ...document, facts: [], proposals: {} });

    const at = event.metadata.recordedAt;
    if (row === undefined) {
      await db
        .insertInto('jv_details')
        .values({
          id: event.jointVentureId,
          version: event.revision,
          established_at: at,
          updated_at: at,
          state: text,
        })
        .execute();
    } else {
      await db
        .updateTable('jv_details')
        .set({ version: event.revision, updated_at: at, state: text })
        .where('id', '=', event.jointVentureId)
        .execute();
    }
    const previous = before.status === 'existing' ? before.units : {};
    await recordUnitChanges(db, event, previous, after.units);
  },
};

/**
 * The last documents written, parsed: a catch-up applies event after event to the same JVs, and
 * parsing a document it has just written was most of the work. Keyed by JV, used only while the
 * stored text is exactly the one remembered (a rolled-back batch or a rebuild's scratch tables
 * hold other text, and are parsed). `evolve` never mutates a state, so sharing one is safe.
 */
class ParsedDocuments {
  private readonly entries = new Map<string, { text: string; state: ExistingJointVenture }>();

  constructor(private readonly capacity: number) {}

  parsed(jvId: string, text: string): ExistingJointVenture {
    const entry = this.entries.get(jvId);
    if (entry !== undefined && entry.text === text) return entry.state;
    return { ...JSON.parse(text), facts: [], proposals: {} } as ExistingJointVenture;
  }

  remember(jvId: string, text: string, state: ExistingJointVenture): void {
    this.entries.delete(jvId);
    this.entries.set(jvId, { text, state });
    if (this.entries.size > this.capacity)
      this.entries.delete(this.entries.keys().next().value as string);
  }
}

const documents = new ParsedDocuments(2_000);

/**
 * The state the event applies to: the stored document, with its facts read back only when the
 * event needs them (a reversal counts the units again from the facts that count).
 */
async function stateBefore(
  db: Kysely<ReadModelDb>,
  event: ProjectedEvent,
  document: string | undefined,
): Promise<JointVentureState> {
  if (document === undefined) return initialState();
  const stored = documents.parsed(event.jointVentureId, document);
  if (event.type !== 'FactReversed') return stored;
  const rows = await db
    .selectFrom('jv_facts')
    .selectAll()
    .where('jv_id', '=', event.jointVentureId)
    .orderBy('version')
    .execute();
  const facts: RecordedFact[] = rows.map((row) => ({
    version: Number(row.version),
    eventId: row.event_id,
    event: JSON.parse(row.event),
    reversed: Number(row.reversed) === 1,
  }));
  return { ...stored, facts };
}

/** Stores the facts the event added, and marks those it reversed. */
async function recordFacts(
  db: Kysely<ReadModelDb>,
  jvId: string,
  before: JointVentureState,
  after: ExistingJointVenture,
): Promise<void> {
  const known = new Map(
    (before.status === 'existing' ? before.facts : []).map((f) => [f.version, f]),
  );
  for (const fact of after.facts) {
    const previous = known.get(fact.version);
    if (previous === undefined) {
      await db
        .insertInto('jv_facts')
        .values({
          jv_id: jvId,
          version: fact.version,
          event_id: fact.eventId,
          event: JSON.stringify(fact.event),
          reversed: fact.reversed ? 1 : 0,
        })
        .execute();
    } else if (fact.reversed && !previous.reversed) {
      await db
        .updateTable('jv_facts')
        .set({ reversed: 1 })
        .where('jv_id', '=', jvId)
        .where('version', '=', fact.version)
        .execute();
    }
  }
}

type Total = keyof typeof TOTAL_COLUMNS;
const TOTALS = Object.keys(TOTAL_COLUMNS) as Total[];

/** Stores, per product code, how much the event changed each total. */
async function recordUnitChanges(
  db: Kysely<ReadModelDb>,
  event: ProjectedEvent,
  before: Units,
  after: Units,
): Promise<void> {
  const rows = Object.entries(after).flatMap(([productCode, units]) => {
    const changes = TOTALS.map((total) => units[total] - (before[productCode]?.[total] ?? 0));
    if (changes.every((change) => change === 0)) return [];
    const columns = Object.fromEntries(
      TOTALS.map((total, i) => [TOTAL_COLUMNS[total], changes[i]]),
    );
    return [
      {
        jv_id: event.jointVentureId,
        revision: event.revision,
        product_code: productCode,
        effective_on: effectiveDateOf(event),
        ...(columns as Record<(typeof TOTAL_COLUMNS)[Total], number>),
      },
    ];
  });
  if (rows.length > 0) await db.insertInto('jv_unit_changes').values(rows).execute();
}
