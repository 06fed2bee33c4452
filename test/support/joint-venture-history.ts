/**
 * Builds realistic joint-venture histories for read-model and notification tests: typed events
 * with ledger metadata (actor, recordedAt, schema version, hash chain), as a command handler
 * appends them (`toAppend`) or as the store hands them out (`recorded`). `recordStored` writes
 * an event in the shape an older release stored it (release 0.1.0: schema version 1).
 */
import {
  EVENT_SCHEMA_VERSIONS,
  jointVentureStreamId,
  type JointVentureEstablished,
  type JointVentureEvent,
  type JointVentureEventMetadata,
  type JointVentureEventType,
} from '@app/domain';
import { CHASSIS, DRONE, establishment, KZ_SEMEY, shares, TANK } from '@app/domain/testing';
import { hashEvent, type EventToAppend, type RecordedEvent } from '@app/event-store';
import { randomUUID } from 'node:crypto';

type EventData<T extends JointVentureEventType> = Extract<JointVentureEvent, { type: T }>['data'];
/** An event's data; `effectiveOn` defaults to the date it names, else the day it is recorded. */
type Undated<T extends JointVentureEventType> = Omit<EventData<T>, 'effectiveOn'> & {
  effectiveOn?: string;
};
type EstablishedData = Omit<JointVentureEstablished['data'], 'effectiveOn'>;

export type HistoryEvent = Readonly<{
  id: string;
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: JointVentureEventMetadata;
}>;

const DAY_MS = 24 * 60 * 60 * 1000;

export { CHASSIS, DRONE, TANK };

/** The date a fact names, which is when it took effect. */
function namedDate(data: Record<string, unknown>): string | undefined {
  const named = data.producedOn ?? data.reachedOn ?? (data.decision as { date?: string })?.date;
  return typeof named === 'string' ? named.slice(0, 10) : undefined;
}

export class JointVentureHistory {
  readonly id: string;
  readonly streamId: string;
  readonly events: HistoryEvent[] = [];
  private clock: number;

  constructor(options: Readonly<{ id?: string; startAt?: string }> = {}) {
    this.id = options.id ?? randomUUID();
    this.streamId = jointVentureStreamId(this.id);
    this.clock = Date.parse(options.startAt ?? '2024-01-01T08:00:00.000Z');
  }

  /** Records an event one day after the previous one, or at `at`, in today's shape. */
  record<T extends JointVentureEventType>(type: T, data: Undated<T>, at?: string): this {
    const recordedAt = this.tick(at);
    const effectiveOn =
      data.effectiveOn ?? namedDate(data as Record<string, unknown>) ?? recordedAt.slice(0, 10);
    return this.append(type, EVENT_SCHEMA_VERSIONS[type], { ...data, effectiveOn }, recordedAt);
  }

  /** Records an event as an older release stored it: `type` and `data` at `schemaVersion`. */
  recordStored(type: string, schemaVersion: number, data: object, at?: string): this {
    return this.append(type, schemaVersion, data, this.tick(at));
  }

  established(overrides: Partial<EstablishedData> = {}, at?: string): this {
    return this.record('JointVentureEstablished', establishment(overrides), at);
  }

  /**
   * Every stage and kind of fact, 18 events after the establishment (revisions 1–18):
   * development, production (10 tanks, 4 chassis), a KZ partner in, BY out, a drone line, an IP
   * result, a modernization programme (3 tanks to B3M) and a repair order (2 repaired), each
   * completed, disposal (4 tanks) and closure.
   */
  fullLifecycle(): this {
    if (this.events.length === 0) this.established();
    const tanks = (quantity: number, toVersion: string | null) => ({
      productCode: TANK,
      fromVersion: null,
      toVersion,
      quantity,
    });
    const closing = { productCode: TANK, fromVersion: null, returned: 0, handled: null };
    return this.record('DevelopmentStarted', {})
      .record('DevelopmentMilestoneReached', {
        name: 'Prototype accepted',
        reachedOn: '2024-01-03',
      })
      .record('ProductionStarted', {})
      .record('BatchProduced', batch(TANK, 10, 'B-1'))
      .record('BatchProduced', batch(CHASSIS, 4, 'B-2'))
      .record('PartnerAdmitted', {
        partner: { ...KZ_SEMEY },
        allocation: shares({ 'RU-UVZ': 5000, 'BY-MZKT': 3000, 'KZ-SEMEY': 2000 }),
      })
      .record('PartnerWithdrawn', {
        enterpriseCode: 'BY-MZKT',
        allocation: shares({ 'RU-UVZ': 6000, 'KZ-SEMEY': 4000 }),
      })
      .record('ProductLineAdded', { productCode: DRONE, name: 'Reconnaissance drone' })
      .record('IntellectualPropertyRegistered', {
        ipResultId: 'IP-1',
        title: 'Active protection control unit',
        kind: 'patent',
        rightsHolders: shares({ 'RU-UVZ': 7000, 'KZ-SEMEY': 3000 }),
      })
      .record('WorkOrderOpened', {
        workOrderId: 'M-1',
        kind: 'modernization',
        units: tanks(3, 'B3M'),
      })
      .record('WorkOrderProgressed', {
        ...{ workOrderId: 'M-1', kind: 'modernization', productCode: TANK, fromVersion: null },
        ...{ toVersion: 'B3M', upgraded: 3, repaired: 0, writtenOff: 0 },
      })
      .record('WorkOrderCompleted', { workOrderId: 'M-1', kind: 'modernization', ...closing })
      .record('WorkOrderOpened', { workOrderId: 'R-1', kind: 'repair', units: tanks(2, null) })
      .record('WorkOrderProgressed', {
        ...{ workOrderId: 'R-1', kind: 'repair', productCode: TANK, fromVersion: null },
        ...{ toVersion: null, upgraded: 0, repaired: 2, writtenOff: 0 },
      })
      .record('WorkOrderCompleted', { workOrderId: 'R-1', kind: 'repair', ...closing })
      .record('DisposalStarted', {})
      .record('UnitsDisposed', {
        productCode: TANK,
        productVersion: null,
        quantity: 4,
        method: 'dismantling',
      })
      .record('DisposalCompleted', {});
  }

  /**
   * The same life as release 0.1.0 recorded it (schema version 1, modernization and repair as
   * phases), 16 events after the establishment.
   */
  release010Lifecycle(): this {
    const v1 = (type: string, data: object = {}) => this.recordStored(type, 1, data);
    if (this.events.length === 0) v1('JointVentureEstablished', establishment());
    v1('DevelopmentStarted');
    v1('DevelopmentMilestoneReached', { name: 'Prototype accepted', reachedOn: '2024-01-03' });
    v1('ProductionStarted');
    v1('BatchProduced', {
      productCode: TANK,
      quantity: 10,
      batchReference: 'B-1',
      producedOn: '2024-02-01',
    });
    v1('BatchProduced', {
      productCode: CHASSIS,
      quantity: 4,
      batchReference: 'B-2',
      producedOn: '2024-02-01',
    });
    v1('PartnerAdmitted', {
      partner: { ...KZ_SEMEY },
      allocation: shares({ 'RU-UVZ': 5000, 'BY-MZKT': 3000, 'KZ-SEMEY': 2000 }),
    });
    v1('PartnerWithdrawn', {
      enterpriseCode: 'BY-MZKT',
      allocation: shares({ 'RU-UVZ': 6000, 'KZ-SEMEY': 4000 }),
    });
    v1('ProductLineAdded', { productCode: DRONE, name: 'Reconnaissance drone' });
    v1('IntellectualPropertyRegistered', {
      ipResultId: 'IP-1',
      title: 'Active protection control unit',
      kind: 'patent',
      rightsHolders: shares({ 'RU-UVZ': 7000, 'KZ-SEMEY': 3000 }),
    });
    v1('ModernizationStarted');
    v1('ModernizationCompleted', {
      productCode: TANK,
      fromVersion: 'B3',
      toVersion: 'B3M',
      quantity: 3,
    });
    v1('RepairStarted');
    v1('RepairCompleted', { productCode: TANK, quantity: 2 });
    v1('DisposalStarted');
    v1('UnitsDisposed', { productCode: TANK, quantity: 4, method: 'dismantling' });
    v1('DisposalCompleted');
    return this;
  }

  /** The events from `fromRevision` on, as a command handler appends them. */
  toAppend(fromRevision = 0): EventToAppend[] {
    return this.events
      .slice(fromRevision)
      .map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
  }

  private tick(at: string | undefined): string {
    if (at !== undefined) this.clock = Date.parse(at);
    else if (this.events.length > 0) this.clock += DAY_MS;
    return new Date(this.clock).toISOString();
  }

  private append(type: string, schemaVersion: number, data: unknown, recordedAt: string): this {
    const revision = this.events.length;
    const prevHash = this.events.at(-1)?.metadata.hash ?? null;
    const unhashed = {
      id: randomUUID(),
      streamId: this.streamId,
      revision,
      type,
      data,
      metadata: {
        actor: { subject: 'pm-ru-1', memberState: 'RU', role: 'program-manager' as const },
        recordedAt,
        correlationId: randomUUID(),
        schemaVersion,
        prevHash,
        hash: '',
      },
    };
    this.events.push({
      ...unhashed,
      metadata: { ...unhashed.metadata, hash: hashEvent(unhashed) },
    });
    return this;
  }
}

/**
 * Events as the store hands them out, in the given order, with consecutive global positions
 * from `firstPosition`.
 */
export function recorded(events: readonly HistoryEvent[], firstPosition = 1n): RecordedEvent[] {
  return events.map((event, i) => ({
    ...event,
    position: firstPosition + BigInt(i),
    committedAt: event.metadata.recordedAt,
  }));
}

function batch(productCode: string, quantity: number, batchReference: string) {
  return { productCode, productVersion: null, quantity, batchReference, producedOn: '2024-02-01' };
}
