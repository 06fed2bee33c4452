/**
 * Fields release 0.1.0 answered under other names, kept beside the new ones so its clients keep
 * working (marked deprecated in the OpenAPI document): `phase` is the `stage`, `modernized`
 * the units `upgraded`. Their values follow the new model: a JV modernizing is in `production`.
 */
type WithStage = Readonly<{ stage: string }>;
type WithTotals = Readonly<{ upgraded: number }>;

const totalsWithAlias = <T extends WithTotals>(totals: T) => ({
  ...totals,
  modernized: totals.upgraded,
});

export function withPhase<T extends WithStage>(item: T): T & { phase: string } {
  return { ...item, phase: item.stage };
}

export function listItemWithAliases<T extends WithStage & { totals: readonly WithTotals[] }>(
  item: T,
) {
  return { ...withPhase(item), totals: item.totals.map(totalsWithAlias) };
}

export function detailWithAliases<T extends WithStage & { productLines: readonly WithTotals[] }>(
  detail: T,
) {
  return { ...withPhase(detail), productLines: detail.productLines.map(totalsWithAlias) };
}
