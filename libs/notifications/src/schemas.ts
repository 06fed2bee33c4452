/**
 * JSON Schemas (2020-12) of every notification, the source of the files under
 * `libs/notifications/schemas/` and of the AsyncAPI document (`npm run schemas:export`
 * writes them; a unit test fails when the committed files drift from this source).
 * Every object is closed (`additionalProperties: false`), so a leaked field fails validation.
 */
import { JOINT_VENTURE_EVENT_TYPES, PURPOSES, type JointVentureEventType } from '@app/domain';
import { announcedPhase, integrationTypeOf } from './integration-events';

export const DEFAULT_SCHEMA_BASE_URI = 'https://jv-ledger.example/schemas/';

type Schema = Record<string, unknown>;

const closed = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});
const text = { type: 'string', minLength: 1 };
const date = { type: 'string', format: 'date' };
const quantity = { type: 'integer', minimum: 1 };
const basisPoints = {
  type: 'integer',
  minimum: 1,
  maximum: 10000,
  description: 'basis points; 10000 = 100 %',
};
const memberState = { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' };
const phase = (value: string) => ({
  const: value,
  description: 'the phase the joint venture is in after this event',
});
const allocation = {
  type: 'array',
  minItems: 1,
  items: closed({ enterpriseCode: text, shareBasisPoints: basisPoints }),
};
const productLine = closed({ productCode: text, name: text, standard: text }, ['standard']);

/** Each type's own fields; `dataSchema` adds the phase a transition enters. */
const FIELDS: Record<JointVentureEventType, Record<string, Schema>> = {
  JointVentureEstablished: {
    name: text,
    decision: closed({ reference: text, date }),
    purposes: { type: 'array', minItems: 1, items: { enum: [...PURPOSES] } },
    partners: {
      type: 'array',
      minItems: 2,
      items: closed({
        enterpriseCode: text,
        name: text,
        memberState,
        shareBasisPoints: basisPoints,
      }),
    },
    productLines: { type: 'array', items: productLine },
  },
  DevelopmentStarted: {},
  ProductionStarted: {},
  ModernizationStarted: {},
  RepairStarted: {},
  DisposalStarted: {},
  DevelopmentMilestoneReached: { name: text, reachedOn: date },
  BatchProduced: { productCode: text, quantity, batchReference: text, producedOn: date },
  ModernizationCompleted: { productCode: text, fromVersion: text, toVersion: text, quantity },
  RepairCompleted: { productCode: text, quantity },
  UnitsDisposed: { productCode: text, quantity, method: text },
  DisposalCompleted: {},
  JointVentureDissolved: { reason: text },
  PartnerAdmitted: {
    partner: closed({ enterpriseCode: text, name: text, memberState }),
    allocation,
  },
  PartnerWithdrawn: { enterpriseCode: text, allocation },
  SharesReallocated: { allocation },
  ProductLineAdded: { productCode: text, name: text, standard: text },
  IntellectualPropertyRegistered: {
    ipResultId: text,
    title: text,
    kind: text,
    rightsHolders: allocation,
  },
};

/** The `data` schema of a type: its fields and, for a transition, the phase it enters. */
function dataSchema(eventType: JointVentureEventType): Schema {
  const entered = announcedPhase(eventType);
  const fields =
    entered === undefined ? FIELDS[eventType] : { ...FIELDS[eventType], phase: phase(entered) };
  return closed(fields, eventType === 'ProductLineAdded' ? ['standard'] : []);
}

/** The schema of the whole CloudEvent of one type: envelope and data. */
export function notificationSchema(
  eventType: JointVentureEventType,
  baseUri = DEFAULT_SCHEMA_BASE_URI,
): Schema {
  const type = integrationTypeOf(eventType);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${baseUri}${type}.json`,
    title: type,
    description: `CloudEvents 1.0 structured message: the ${eventType} event of a joint venture.`,
    ...closed({
      specversion: { const: '1.0' },
      id: { type: 'string', format: 'uuid', description: 'the event id: deduplicate by it' },
      source: text,
      type: { const: type },
      subject: {
        type: 'string',
        format: 'uuid',
        description: 'the joint venture id (also the Kafka key)',
      },
      time: { type: 'string', format: 'date-time', description: 'when the event was recorded' },
      datacontenttype: { const: 'application/json' },
      dataschema: { type: 'string', format: 'uri' },
      streamrevision: {
        type: 'integer',
        minimum: 0,
        description: "the joint venture's version after this event: consecutive per joint venture",
      },
      data: dataSchema(eventType),
    }),
  };
}

export const NOTIFICATION_SCHEMAS: Readonly<Record<string, Schema>> = Object.fromEntries(
  JOINT_VENTURE_EVENT_TYPES.map((eventType) => [
    integrationTypeOf(eventType),
    notificationSchema(eventType),
  ]),
);

/** AsyncAPI 3.0 description of the notification topic. */
export function asyncApiDocument(topic = 'jv.lifecycle.v1'): Schema {
  const messages = Object.fromEntries(
    JOINT_VENTURE_EVENT_TYPES.map((eventType) => {
      const type = integrationTypeOf(eventType);
      return [
        eventType,
        {
          name: type,
          title: eventType,
          contentType: 'application/cloudevents+json',
          headers: closed({
            'content-type': { const: 'application/cloudevents+json; charset=utf-8' },
            'message-type': { const: type },
          }),
          bindings: {
            kafka: { key: { type: 'string', format: 'uuid', description: 'joint venture id' } },
          },
          payload: { $ref: `./schemas/${type}.json` },
        },
      ];
    }),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Joint-venture lifecycle notifications',
      version: '1.0.0',
      description:
        'One message per recorded event, keyed by joint venture id, in the order of each joint ' +
        "venture's history (streamrevision increases by one), delivered at least once: deduplicate by id.",
    },
    defaultContentType: 'application/cloudevents+json',
    channels: {
      lifecycle: {
        address: topic,
        description: 'Configurable with KAFKA_TOPIC.',
        messages: Object.fromEntries(
          Object.keys(messages).map((name) => [name, { $ref: `#/components/messages/${name}` }]),
        ),
      },
    },
    operations: {
      receiveLifecycleNotifications: {
        action: 'receive',
        channel: { $ref: '#/channels/lifecycle' },
        summary: 'Downstream systems consume the lifecycle notifications.',
      },
    },
    components: { messages },
  };
}
