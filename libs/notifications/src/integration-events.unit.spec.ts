import { JOINT_VENTURE_EVENT_TYPES } from '@app/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JointVentureHistory, recorded, TANK } from '@test/support/joint-venture-history';
import { integrationTypeOf, toCloudEvent, type LifecycleCloudEvent } from './integration-events';
import { RELEASE_0_1_0_TYPES } from './release-0.1.0-notifications';
import { asyncApiDocument, NOTIFICATION_SCHEMAS } from './schemas';
import { schemaErrorsOf } from './testing';

const settings = { source: '/jv-ledger/test', schemaBaseUri: 'https://schemas.test/' };

/** JVs that between them record every type of event, today's and release 0.1.0's. */
function everyKindOfEvent() {
  const closed = new JointVentureHistory().fullLifecycle();
  const dissolved = new JointVentureHistory()
    .established()
    .record('SharesReallocated', {
      allocation: [
        { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
        { enterpriseCode: 'BY-MZKT', shareBasisPoints: 5000 },
      ],
    })
    .record('ProductionStarted', {})
    .record('BatchProduced', {
      productCode: TANK,
      productVersion: 'B3',
      quantity: 5,
      batchReference: 'X-1',
      producedOn: '2024-01-02',
    })
    .record('WorkOrderOpened', {
      workOrderId: 'R-9',
      kind: 'repair',
      units: { productCode: TANK, fromVersion: 'B3', toVersion: null, quantity: 2 },
    })
    .record('WorkOrderCancelled', {
      workOrderId: 'R-9',
      kind: 'repair',
      productCode: TANK,
      fromVersion: 'B3',
      returned: 2,
      reason: null,
    })
    .record('JointVentureDissolved', { reason: 'programme discontinued' });
  dissolved.record('FactReversed', {
    reversedVersion: 3,
    reversedEventId: dissolved.events[3].id,
    reversedType: 'BatchProduced',
    reason: 'entered twice',
    effectiveOn: '2024-01-02',
  });
  // Shared control: a proposal approved, one rejected, one withdrawn, one closed.
  const proposalId = (n: number) => `7c0e7a52-0b1d-4c2e-9f3a-00000000000${n}`;
  const RU = { subject: 'alice', memberState: 'RU' };
  const BY = { subject: 'boris', memberState: 'BY' };
  const proposed = (n: number) => ({
    proposalId: proposalId(n),
    change: { type: 'DissolveJointVenture' as const, data: { reason: 'cancelled' } },
    proposedBy: RU,
    required: ['BY', 'RU'],
    expiresAt: '2024-02-01T00:00:00.000Z',
  });
  const proposals = new JointVentureHistory()
    .established()
    .record('ChangeProposed', proposed(1))
    .record('ChangeRejected', { proposalId: proposalId(1), by: BY, reason: 'not now' })
    .record('ChangeProposed', proposed(2))
    .record('ProposalWithdrawn', { proposalId: proposalId(2), reason: 'superseded' })
    .record('ChangeProposed', proposed(3))
    .record('ProposalClosed', {
      proposalId: proposalId(3),
      reason: 'expired',
      detail: 'the proposal expired at 2024-02-01T00:00:00.000Z',
    })
    .record('ChangeProposed', proposed(4))
    .record('ChangeApproved', { proposalId: proposalId(4), by: BY })
    .record('JointVentureDissolved', { reason: 'cancelled' });
  const old = new JointVentureHistory().release010Lifecycle();
  const oldDissolved = new JointVentureHistory()
    .recordStored('JointVentureEstablished', 1, old.events[0].data as object)
    .recordStored('ProductionStarted', 1, {})
    .recordStored('SharesReallocated', 1, {
      allocation: [
        { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
        { enterpriseCode: 'BY-MZKT', shareBasisPoints: 5000 },
      ],
    })
    .recordStored('JointVentureDissolved', 1, { reason: 'programme discontinued' });
  return {
    today: [
      ...recorded(closed.events),
      ...recorded(dissolved.events, 100n),
      ...recorded(proposals.events, 400n),
    ],
    release010: [...recorded(old.events, 200n), ...recorded(oldDissolved.events, 300n)],
    dissolved,
  };
}

const messageOf = (event: Parameters<typeof toCloudEvent>[0]) =>
  toCloudEvent(event, settings) as LifecycleCloudEvent;

describe('integration events', () => {
  const { today, release010, dissolved } = everyKindOfEvent();
  const messages = [...today, ...release010].map(messageOf);

  it('maps every event, of today and of release 0.1.0, to a CloudEvent whose schema it satisfies', () => {
    expect(new Set(today.map((event) => event.type))).toEqual(new Set(JOINT_VENTURE_EVENT_TYPES));
    expect(new Set(release010.map((event) => event.type))).toEqual(new Set(RELEASE_0_1_0_TYPES));
    expect(new Set(messages.map((m) => m.type))).toEqual(
      new Set(Object.keys(NOTIFICATION_SCHEMAS)),
    );
    for (const message of messages)
      expect({ type: message.type, errors: schemaErrorsOf(message) }).toEqual({
        type: message.type,
        errors: [],
      });
  });

  it('carries the event id, JV id, time, stream revision and effective date, and no internal field', () => {
    const batch = today.find((event) => event.type === 'BatchProduced')!;
    expect(messageOf(batch)).toEqual({
      specversion: '1.0',
      id: batch.id,
      source: '/jv-ledger/test',
      type: 'jv.lifecycle.batch-produced.v2',
      subject: batch.streamId.replace('joint-venture-', ''),
      time: batch.metadata.recordedAt,
      datacontenttype: 'application/json',
      dataschema: 'https://schemas.test/jv.lifecycle.batch-produced.v2.json',
      streamrevision: batch.revision,
      data: {
        productCode: TANK,
        productVersion: null,
        quantity: 10,
        batchReference: 'B-1',
        producedOn: '2024-02-01',
        effectiveOn: '2024-02-01',
      },
    });
    const serialized = JSON.stringify(messages);
    for (const internal of [
      'prevHash',
      '"hash"',
      'actor',
      'correlationId',
      'pm-ru-1',
      'schemaVersion',
    ])
      expect(serialized).not.toContain(internal);
  });

  it('announces the stage a transition enters', () => {
    const started = today.find((event) => event.type === 'DisposalStarted')!;
    expect(messageOf(started)).toMatchObject({
      type: 'jv.lifecycle.disposal-started.v2',
      data: { stage: 'disposal', effectiveOn: expect.any(String) },
    });
  });

  it('names the reversed event by its id', () => {
    const reversal = today.find((event) => event.type === 'FactReversed')!;
    expect(messageOf(reversal)).toMatchObject({
      type: 'jv.lifecycle.fact-reversed.v1',
      data: {
        reversedEventId: dissolved.events[3].id,
        reversedVersion: 3,
        reversedType: 'batch-produced',
        reason: 'entered twice',
        effectiveOn: '2024-01-02',
      },
    });
  });

  it('publishes an event recorded by release 0.1.0 as the v1 message that release published', () => {
    const v1 = (type: string) => messageOf(release010.find((event) => event.type === type)!);
    expect(v1('BatchProduced')).toMatchObject({
      type: 'jv.lifecycle.batch-produced.v1',
      dataschema: 'https://schemas.test/jv.lifecycle.batch-produced.v1.json',
      data: { productCode: TANK, quantity: 10, batchReference: 'B-1', producedOn: '2024-02-01' },
    });
    expect(v1('ModernizationStarted')).toMatchObject({
      type: 'jv.lifecycle.modernization-started.v1',
      data: { phase: 'modernization' },
    });
    expect(v1('ModernizationCompleted').data).toEqual({
      productCode: TANK,
      fromVersion: 'B3',
      toVersion: 'B3M',
      quantity: 3,
      phase: 'production',
    });
    expect(v1('RepairCompleted').data).toEqual({
      productCode: TANK,
      quantity: 2,
      phase: 'production',
    });
    expect(v1('UnitsDisposed').data).toEqual({
      productCode: TANK,
      quantity: 4,
      method: 'dismantling',
    });
    expect(v1('JointVentureDissolved').data).toEqual({
      reason: 'programme discontinued',
      phase: 'dissolved',
    });
  });

  it('refuses a message with a leaked field or a wrong type through its schema', () => {
    const message = messages[0];
    expect(schemaErrorsOf({ ...message, data: { ...message.data, hash: 'abc' } })).not.toEqual([]);
    expect(schemaErrorsOf({ ...message, streamrevision: -1 })).not.toEqual([]);
    expect(schemaErrorsOf({ ...message, type: 'jv.lifecycle.unknown.v1' })).toEqual([
      'no schema for type jv.lifecycle.unknown.v1',
    ]);
    const batchV1 = messageOf(release010.find((event) => event.type === 'BatchProduced')!);
    expect(
      schemaErrorsOf({ ...batchV1, data: { ...batchV1.data, effectiveOn: '2024-02-01' } }),
    ).not.toEqual([]);
  });

  it('ignores streams that are not joint ventures', () => {
    expect(toCloudEvent({ ...today[0], streamId: '$system-1' }, settings)).toBeUndefined();
  });

  it('names types in kebab case with their version', () => {
    expect(integrationTypeOf('IntellectualPropertyRegistered')).toBe(
      'jv.lifecycle.intellectual-property-registered.v2',
    );
    expect(integrationTypeOf('RepairStarted', 1)).toBe('jv.lifecycle.repair-started.v1');
  });

  it('keeps the committed JSON Schemas and AsyncAPI document in step with their source (npm run schemas:export)', () => {
    const root = join(__dirname, '..');
    for (const [type, schema] of Object.entries(NOTIFICATION_SCHEMAS))
      expect(JSON.parse(readFileSync(join(root, 'schemas', `${type}.json`), 'utf8'))).toEqual(
        schema,
      );
    expect(JSON.parse(readFileSync(join(root, 'asyncapi.json'), 'utf8'))).toEqual(
      asyncApiDocument(),
    );
  });
});
