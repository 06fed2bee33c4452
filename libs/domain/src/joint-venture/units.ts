/**
 * Unit accounting per product code and version. Every unit produced is, at any time, in
 * service, in repair, in modernization, written off or disposed of, at exactly one version;
 * a modernization moves units from one version to another. `unitProblems` states the
 * invariant; `applyUnits` is the only place that moves units.
 */
import type { JointVentureEvent, WorkOrderProgressed } from './events';
import type { ProductLine, ProductVersion, WorkOrderKind } from './values';

/** Where units are: every unit produced is counted in exactly one of these. */
export const HOLDINGS = [
  'inService',
  'inRepair',
  'inModernization',
  'writtenOff',
  'disposed',
] as const;
export type Holding = (typeof HOLDINGS)[number];

export type VersionUnits = Readonly<
  {
    version: ProductVersion;
    produced: number;
    /** Units that arrived at this version by a modernization, and that left it by one. */
    upgradedIn: number;
    upgradedOut: number;
  } & Record<Holding, number>
>;

export type ProductUnits = Readonly<
  {
    produced: number;
    /** Units modernized (each move counted once). */
    upgraded: number;
    /** Units returned to service from a repair. */
    repaired: number;
    /** In the order each version first appeared. */
    versions: readonly VersionUnits[];
  } & Record<Holding, number>
>;

export type Units = Readonly<Record<string, ProductUnits>>;

export const NO_UNITS: ProductUnits = {
  produced: 0,
  inService: 0,
  inRepair: 0,
  inModernization: 0,
  writtenOff: 0,
  disposed: 0,
  upgraded: 0,
  repaired: 0,
  versions: [],
};

const emptyVersion = (version: ProductVersion): VersionUnits => ({
  version,
  produced: 0,
  upgradedIn: 0,
  upgradedOut: 0,
  inService: 0,
  inRepair: 0,
  inModernization: 0,
  writtenOff: 0,
  disposed: 0,
});

type VersionField = Exclude<keyof VersionUnits, 'version'>;
type Change = Readonly<{ version: ProductVersion; field: VersionField; by: number }>;

const heldBy = (kind: WorkOrderKind): Holding =>
  kind === 'modernization' ? 'inModernization' : 'inRepair';

/** The units of one product after some changes, totals recomputed from its versions. */
function changed(product: ProductUnits, changes: readonly Change[], repaired = 0): ProductUnits {
  const versions = [...product.versions];
  for (const { version, field, by } of changes) {
    let index = versions.findIndex((row) => row.version === version);
    if (index < 0) index = versions.push(emptyVersion(version)) - 1;
    versions[index] = { ...versions[index], [field]: versions[index][field] + by };
  }
  const sum = (field: VersionField) => versions.reduce((total, row) => total + row[field], 0);
  return {
    produced: sum('produced'),
    inService: sum('inService'),
    inRepair: sum('inRepair'),
    inModernization: sum('inModernization'),
    writtenOff: sum('writtenOff'),
    disposed: sum('disposed'),
    upgraded: sum('upgradedIn'),
    repaired: product.repaired + repaired,
    versions,
  };
}

const move = (version: ProductVersion, from: Holding, to: Holding, quantity: number): Change[] =>
  quantity === 0
    ? []
    : [
        { version, field: from, by: -quantity },
        { version, field: to, by: quantity },
      ];

/**
 * Which versions `quantity` units in service come from when no exact version is required:
 * `preferred` first, then units of unrecorded version, then the recorded versions in the order
 * they appeared (never `except`, the version being upgraded to). What is still missing is taken from `preferred` (or unrecorded), where it shows
 * as a negative count that `unitProblems` reports.
 */
export function takeFromService(
  product: ProductUnits,
  quantity: number,
  preferred: ProductVersion = null,
  except?: string,
): { version: ProductVersion; quantity: number }[] {
  const order = [
    preferred,
    ...(preferred === null ? [] : [null]),
    ...product.versions
      .map((row) => row.version)
      .filter((v) => v !== null && v !== preferred && v !== except),
  ];
  const taken: { version: ProductVersion; quantity: number }[] = [];
  let missing = quantity;
  for (const version of order) {
    const available = product.versions.find((row) => row.version === version)?.inService ?? 0;
    const part = Math.min(missing, Math.max(available, 0));
    if (part > 0) taken.push({ version, quantity: part });
    missing -= part;
  }
  if (missing > 0) taken.push({ version: preferred, quantity: missing });
  return taken;
}

function progressChanges(event: WorkOrderProgressed): Change[] {
  const { kind, fromVersion, toVersion, upgraded, repaired, writtenOff } = event.data;
  const held = heldBy(kind);
  const upgrade: Change[] =
    upgraded === 0
      ? []
      : [
          { version: fromVersion, field: held, by: -upgraded },
          { version: fromVersion, field: 'upgradedOut', by: upgraded },
          { version: toVersion, field: 'upgradedIn', by: upgraded },
          { version: toVersion, field: 'inService', by: upgraded },
        ];
  return [
    ...upgrade,
    ...move(fromVersion, held, 'inService', repaired),
    ...move(fromVersion, held, 'writtenOff', writtenOff),
  ];
}

/** The product an event moves units of, and how; undefined when it moves none. */
function unitChangesOf(
  units: Units,
  event: JointVentureEvent,
): { productCode: string; changes: Change[]; repaired?: number } | undefined {
  const product = (code: string) => units[code] ?? NO_UNITS;
  switch (event.type) {
    case 'BatchProduced': {
      const { productCode, productVersion: version, quantity } = event.data;
      const changes: Change[] = [
        { version, field: 'produced', by: quantity },
        { version, field: 'inService', by: quantity },
      ];
      return { productCode, changes };
    }
    case 'UnitsDisposed': {
      const { productCode, productVersion, quantity } = event.data;
      const parts =
        productVersion === null
          ? takeFromService(product(productCode), quantity)
          : [{ version: productVersion, quantity }];
      const changes = parts.flatMap((p) => move(p.version, 'inService', 'disposed', p.quantity));
      return { productCode, changes };
    }
    case 'WorkOrderOpened': {
      const { kind, units: taken } = event.data;
      if (taken === null) return undefined;
      const changes = move(taken.fromVersion, 'inService', heldBy(kind), taken.quantity);
      return { productCode: taken.productCode, changes };
    }
    case 'WorkOrderProgressed':
      return {
        productCode: event.data.productCode,
        changes: progressChanges(event),
        repaired: event.data.repaired,
      };
    case 'WorkOrderCancelled':
    case 'WorkOrderCompleted': {
      const { kind, productCode, fromVersion, returned } = event.data;
      const handled = event.type === 'WorkOrderCompleted' ? event.data.handled : null;
      if (handled !== null) return handledChanges(product(handled.productCode), kind, handled);
      if (productCode === null) return undefined;
      return { productCode, changes: move(fromVersion, heldBy(kind), 'inService', returned) };
    }
    default:
      return undefined;
  }
}

/** An open-ended order upgraded or repaired units that stayed in service. */
function handledChanges(
  product: ProductUnits,
  kind: WorkOrderKind,
  handled: NonNullable<
    Extract<JointVentureEvent, { type: 'WorkOrderCompleted' }>['data']['handled']
  >,
) {
  const { productCode, fromVersion, toVersion, quantity } = handled;
  if (kind === 'repair') return { productCode, changes: [], repaired: quantity };
  const target = toVersion ?? undefined;
  const changes: Change[] = takeFromService(product, quantity, fromVersion, target).flatMap(
    (part) => [
      { version: part.version, field: 'inService', by: -part.quantity },
      { version: part.version, field: 'upgradedOut', by: part.quantity },
    ],
  );
  changes.push(
    { version: toVersion, field: 'upgradedIn', by: quantity },
    { version: toVersion, field: 'inService', by: quantity },
  );
  return { productCode, changes };
}

/** The units after one event; events that move no units leave them as they are. */
export function applyUnits(units: Units, event: JointVentureEvent): Units {
  const effect = unitChangesOf(units, event);
  if (effect === undefined) return units;
  const before = units[effect.productCode] ?? NO_UNITS;
  return { ...units, [effect.productCode]: changed(before, effect.changes, effect.repaired) };
}

/** Units counted from scratch: a zero entry per product line, then each event in order. */
export function countUnits(
  productLines: readonly ProductLine[],
  events: readonly JointVentureEvent[],
): Units {
  const zero: Units = Object.fromEntries(productLines.map((l) => [l.productCode, NO_UNITS]));
  return events.reduce(applyUnits, zero);
}

const label = (version: ProductVersion) => (version === null ? 'of unrecorded version' : version);

/**
 * What breaks the invariant: per version, produced plus upgraded in minus upgraded out equals
 * the units in service, in repair, in modernization, written off and disposed of, none of them
 * negative; per product code, the totals are the sums of its versions. Empty when it holds.
 */
export function unitProblems(units: Units): string[] {
  const problems: string[] = [];
  for (const [code, product] of Object.entries(units)) {
    for (const row of product.versions) {
      const fields = ['produced', 'upgradedIn', 'upgradedOut', ...HOLDINGS] as const;
      for (const field of fields)
        if (row[field] < 0)
          problems.push(`${code} ${label(row.version)}: ${field} is ${row[field]}`);
      const held = HOLDINGS.reduce((sum, holding) => sum + row[holding], 0);
      if (row.produced + row.upgradedIn - row.upgradedOut !== held)
        problems.push(`${code} ${label(row.version)}: units do not add up`);
    }
    const recount = changed(
      { ...NO_UNITS, versions: product.versions, repaired: product.repaired },
      [],
    );
    const totals = ['produced', 'upgraded', ...HOLDINGS] as const;
    for (const field of totals)
      if (recount[field] !== product[field])
        problems.push(
          `${code}: ${field} is ${product[field]}, its versions add up to ${recount[field]}`,
        );
    const upgradedOut = product.versions.reduce((sum, row) => sum + row.upgradedOut, 0);
    if (upgradedOut !== product.upgraded)
      problems.push(`${code}: ${product.upgraded} units upgraded in, ${upgradedOut} out`);
    if (product.repaired < 0) problems.push(`${code}: repaired is ${product.repaired}`);
  }
  return problems;
}

/** Units of one product and version in service (0 when there are none). */
export function inServiceAt(units: Units, productCode: string, version: ProductVersion): number {
  return units[productCode]?.versions.find((row) => row.version === version)?.inService ?? 0;
}
