/** The printed result: one row per figure, beside its target. */
export type Row = Readonly<{
  benchmark: string;
  setting: string;
  figure: string;
  target: string;
  /** true/false when a target applies; undefined for rows shown for comparison only. */
  met?: boolean;
}>;

export function renderTable(rows: readonly Row[]): string {
  const header = ['benchmark', 'setting', 'figure', 'target', 'met?'];
  const cells = rows.map((row) => [
    row.benchmark,
    row.setting,
    row.figure,
    row.target,
    row.met === undefined ? '-' : row.met ? 'yes' : 'NO',
  ]);
  return renderGrid(header, cells);
}

/** A markdown-style table of strings, each column as wide as its widest cell. */
export function renderGrid(
  header: readonly string[],
  cells: readonly (readonly string[])[],
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => line[column].length)),
  );
  const line = (values: readonly string[]) =>
    `| ${values.map((value, column) => value.padEnd(widths[column])).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}
