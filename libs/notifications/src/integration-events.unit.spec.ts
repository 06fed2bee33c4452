import { JOINT_VENTURE_EVENT_TYPES } from '@app/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JointVentureHistory, recorded, TANK } from '@test/support/joint-venture-history';
import { integrationTypeOf, toCloudEvent } from './integration-events';
import { asyncApiDocument, NOTIFICATION_SCHEMAS } from './schemas';
import { schemaErrorsOf } from './testing';

const settings = { source: '/jv-ledger/test', schemaBaseUri: 'https://schemas.test/' };

/** Two JVs that between them record every type of event. */
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
    .record('JointVentureDissolved', { reason: 'programme discontinued' });
  return [...recorded(closed.events), ...recorded(dissolved.events, 100n)];
}

describe('integration events', () => {
  const events = everyKindOfEvent();
  const messages = events.map((event) => toCloudEvent(event, settings)!);

  it('maps every domain event type to a CloudEvent whose schema it satisfies', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(JOINT_VENTURE_EVENT_TYPES));
    for (const message of messages)
      expect({ type: message.type, errors: schemaErrorsOf(message) }).toEqual({
        type: message.type,
        errors: [],
      });
  });

  it('carries the event id, JV id, time and stream revision, and no internal field', () => {
    const batch = events.find((event) => event.type === 'BatchProduced')!;
    const message = toCloudEvent(batch, settings)!;
    expect(message).toEqual({
      specversion: '1.0',
      id: batch.id,
      source: '/jv-ledger/test',
      type: 'jv.lifecycle.batch-produced.v1',
      subject: batch.streamId.replace('joint-venture-', ''),
      time: batch.metadata.recordedAt,
      datacontenttype: 'application/json',
      dataschema: 'https://schemas.test/jv.lifecycle.batch-produced.v1.json',
      streamrevision: batch.revision,
      data: {
        productCode: TANK,
        quantity: 10,
        batchReference: 'B-1',
        producedOn: expect.any(String),
      },
    });
    const serialized = JSON.stringify(messages);
    for (const internal of ['prevHash', '"hash"', 'actor', 'correlationId', 'pm-ru-1'])
      expect(serialized).not.toContain(internal);
  });

  it('refuses a message with a leaked field or a wrong type through its schema', () => {
    const message = messages[0];
    expect(schemaErrorsOf({ ...message, data: { ...message.data, hash: 'abc' } })).not.toEqual([]);
    expect(schemaErrorsOf({ ...message, streamrevision: -1 })).not.toEqual([]);
    expect(schemaErrorsOf({ ...message, type: 'jv.lifecycle.unknown.v1' })).toEqual([
      'no schema for type jv.lifecycle.unknown.v1',
    ]);
  });

  it('ignores streams that are not joint ventures', () => {
    expect(toCloudEvent({ ...events[0], streamId: '$system-1' }, settings)).toBeUndefined();
  });

  it('names types in kebab case with their version', () => {
    expect(integrationTypeOf('IntellectualPropertyRegistered')).toBe(
      'jv.lifecycle.intellectual-property-registered.v1',
    );
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
