/**
 * Builds realistic joint-venture histories for read-model tests: typed events with ledger
 * metadata (actor, recordedAt, hash chain), as a command handler appends them (`toAppend`) or
 * as the store hands them out (`recorded`).
 */
import {
  jointVentureStreamId,
  type JointVentureEstablished,
  type JointVentureEvent,
  type JointVentureEventType,
  type JointVentureEventMetadata,
} from '@app/domain';
import { CHASSIS, DRONE, establishment, KZ_SEMEY, shares, TANK } from '@app/domain/testing';
import { hashEvent, type EventToAppend, type RecordedEvent } from '@app/event-store';
import { randomUUID } from 'node:crypto';

type EventData<T extends JointVentureEventType> = Extract<JointVentureEvent, { type: T }>['data'];
type EstablishedData = JointVentureEstablished['data'];

export type HistoryEvent = Readonly<{
  id: string;
  streamId: string;
  revision: number;
  type: JointVentureEventType;
  data: unknown;
  metadata: JointVentureEventMetadata;
}>;

const DAY_MS = 24 * 60 * 60 * 1000;

export { CHASSIS, DRONE, TANK };

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

  /** Records an event one day after the previous one, or at `at`. */
  record<T extends JointVentureEventType>(type: T, data: EventData<T>, at?: string): this {
    if (at !== undefined) this.clock = Date.parse(at);
    else if (this.events.length > 0) this.clock += DAY_MS;
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
        recordedAt: new Date(this.clock).toISOString(),
        correlationId: randomUUID(),
        schemaVersion: 1,
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

  established(overrides: Partial<EstablishedData> = {}, at?: string): this {
    return this.record('JointVentureEstablished', establishment(overrides), at);
  }

  /**
   * Every phase and in-phase action, 16 events after the establishment (revisions 1–16): development,
   * production (10 tanks, 4 chassis), a KZ partner in, BY out, a drone line, an IP result,
   * modernization (3), repair (2), disposal (4 tanks) and closure.
   */
  fullLifecycle(): this {
    if (this.events.length === 0) this.established();
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
      .record('ModernizationStarted', {})
      .record('ModernizationCompleted', {
        productCode: TANK,
        fromVersion: 'B3',
        toVersion: 'B3M',
        quantity: 3,
      })
      .record('RepairStarted', {})
      .record('RepairCompleted', { productCode: TANK, quantity: 2 })
      .record('DisposalStarted', {})
      .record('UnitsDisposed', { productCode: TANK, quantity: 4, method: 'dismantling' })
      .record('DisposalCompleted', {});
  }

  /** The events from `fromRevision` on, as a command handler appends them. */
  toAppend(fromRevision = 0): EventToAppend[] {
    return this.events
      .slice(fromRevision)
      .map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
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
  return { productCode, quantity, batchReference, producedOn: '2024-02-01' };
}
