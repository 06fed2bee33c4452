/**
 * A table declared once: its name, its columns with their types, and its primary key. The row
 * type, the column list and the DDL are all derived from that one declaration, so they cannot
 * drift apart. Types are portable across SQLite and PostgreSQL: instants and JSON are text,
 * global positions decimal text, counts integers.
 */
import type { ColumnDataType, SchemaModule } from 'kysely';

type ColumnKind = 'text' | 'integer' | 'double';
/** A column's kind; a trailing `?` makes it nullable. */
export type ColumnSpec = ColumnKind | `${ColumnKind}?`;

type ValueOf<Kind> = Kind extends 'text' ? string : number;
type ColumnValue<Spec extends ColumnSpec> = Spec extends `${infer Kind}?`
  ? ValueOf<Kind> | null
  : ValueOf<Spec>;

export type TableDefinition<
  Name extends string = string,
  Columns extends Record<string, ColumnSpec> = Record<string, ColumnSpec>,
> = Readonly<{
  name: Name;
  columns: Columns;
  primaryKey: readonly (keyof Columns & string)[];
}>;

export function defineTable<
  const Name extends string,
  const Columns extends Record<string, ColumnSpec>,
>(
  name: Name,
  columns: Columns,
  primaryKey: readonly (keyof Columns & string)[],
): TableDefinition<Name, Columns> {
  return { name, columns, primaryKey };
}

/** The row type of a table, as Kysely sees it. */
export type RowOf<T extends TableDefinition> = {
  -readonly [K in keyof T['columns']]: ColumnValue<T['columns'][K]>;
};

/** A Kysely database type with these tables: `{ [name]: row }`. */
export type TablesOf<T extends TableDefinition> = { [D in T as D['name']]: RowOf<D> };

/** The column names of a table, in declaration order. */
export function columnsOf(table: TableDefinition): string[] {
  return Object.keys(table.columns);
}

const DATA_TYPES: Record<ColumnKind, ColumnDataType> = {
  text: 'text',
  integer: 'integer',
  // Not `real`: that is single precision in PostgreSQL.
  double: 'double precision',
};

/**
 * Creates the table if it is missing, under `name` (default: its own), through `db.schema` — or
 * `db.withSchema(s).schema`, as a rebuild does for fresh copies. Only the primary key: secondary
 * indexes are the owner's.
 */
export async function createTable(
  schema: SchemaModule,
  table: TableDefinition,
  name: string = table.name,
): Promise<void> {
  let builder = schema.createTable(name).ifNotExists();
  for (const [column, spec] of Object.entries(table.columns)) {
    const nullable = spec.endsWith('?');
    const kind = (nullable ? spec.slice(0, -1) : spec) as ColumnKind;
    builder = builder.addColumn(column, DATA_TYPES[kind], (c) => (nullable ? c : c.notNull()));
  }
  await builder
    // Columns were added in a loop, so the builder cannot know their names: hence the cast.
    .addPrimaryKeyConstraint(`${name.replace(/\W/g, '_')}_pk`, [...table.primaryKey] as never[])
    .execute();
}
