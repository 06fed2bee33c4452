/**
 * JSON Schemas (2020-12) of every notification, the source of the files under
 * `libs/notifications/schemas/` and of the AsyncAPI document (`npm run schemas:export`
 * writes them; a unit test fails when the committed files drift from this source). Today's
 * types and the `.v1` types release 0.1.0 published (still published for the events it
 * recorded) each have their own schema. Every object is closed (`additionalProperties: false`),
 * so a leaked field fails validation.
 */
import {
  JOINT_VENTURE_EVENT_TYPES,
  REVERSIBLE_EVENT_TYPES,
  WORK_ORDER_KINDS,
  type JointVentureEventType,
} from '@app/domain';
import { integrationTypeOf } from './integration-events';
import { announcedStage, kebab } from './public-data';
import {
  RELEASE_0_1_0_FIELDS,
  RELEASE_0_1_0_TYPES,
  release010PhaseOf,
} from './release-0.1.0-notifications';
import {
  closed,
  count,
  date,
  memberState,
  nullable,
  quantity,
  text,
  type Schema,
} from './schema-parts';

export const DEFAULT_SCHEMA_BASE_URI = 'https://jv-ledger.example/schemas/';

const proposalId = { type: 'string', format: 'uuid', description: 'the proposal' };
const version = { ...nullable(text), description: 'a product version; null when not recorded' };
const kind = { enum: [...WORK_ORDER_KINDS] };
const workOrderUnits = closed({
  productCode: text,
  fromVersion: version,
  toVersion: nullable(text),
  quantity,
});

/** Each type's own fields; `dataSchema` adds the stage a transition enters, and `effectiveOn`. */
const FIELDS: Record<JointVentureEventType, Record<string, Schema>> = {
  JointVentureEstablished: RELEASE_0_1_0_FIELDS.JointVentureEstablished,
  DevelopmentStarted: {},
  ProductionStarted: {},
  DisposalStarted: {},
  DisposalCompleted: {},
  JointVentureDissolved: { reason: text },
  DevelopmentMilestoneReached: { name: text, reachedOn: date },
  BatchProduced: {
    productCode: text,
    productVersion: version,
    quantity,
    batchReference: text,
    producedOn: date,
  },
  UnitsDisposed: { productCode: text, productVersion: version, quantity, method: text },
  WorkOrderOpened: {
    workOrderId: text,
    kind,
    units: {
      ...nullable(workOrderUnits),
      description: 'null: an open-ended order, units named when it completes',
    },
  },
  WorkOrderProgressed: {
    workOrderId: text,
    kind,
    productCode: text,
    fromVersion: version,
    toVersion: nullable(text),
    upgraded: count,
    repaired: count,
    writtenOff: count,
  },
  WorkOrderCompleted: {
    workOrderId: text,
    kind,
    productCode: nullable(text),
    fromVersion: version,
    returned: { ...count, description: 'units the order still held, back in service unchanged' },
    handled: {
      ...nullable(workOrderUnits),
      description:
        'what an open-ended order upgraded or repaired while the units stayed in service',
    },
  },
  WorkOrderCancelled: {
    workOrderId: text,
    kind,
    productCode: nullable(text),
    fromVersion: version,
    returned: count,
    reason: nullable(text),
  },
  FactReversed: {
    reversedEventId: {
      ...nullable({ type: 'string', format: 'uuid' }),
      description: 'the id of the reversed notification',
    },
    reversedVersion: { type: 'integer', minimum: 0 },
    reversedType: { enum: REVERSIBLE_EVENT_TYPES.map(kebab) },
    reason: text,
  },
  PartnerAdmitted: RELEASE_0_1_0_FIELDS.PartnerAdmitted,
  PartnerWithdrawn: RELEASE_0_1_0_FIELDS.PartnerWithdrawn,
  SharesReallocated: RELEASE_0_1_0_FIELDS.SharesReallocated,
  ProductLineAdded: { productCode: text, name: text, standard: text },
  IntellectualPropertyRegistered: RELEASE_0_1_0_FIELDS.IntellectualPropertyRegistered,
  ChangeProposed: {
    proposalId,
    change: closed({
      command: { ...text, description: 'the command proposed, e.g. DissolveJointVenture' },
      data: {
        type: 'object',
        description: "the command's fields as the proposer submitted them (see the REST API)",
      },
    }),
    proposedBy: memberState,
    required: {
      type: 'array',
      items: memberState,
      minItems: 2,
      description: "every state that must agree, the proposer's included",
    },
    expiresAt: { type: 'string', format: 'date-time', description: 'PROPOSAL_TTL after it' },
  },
  ChangeApproved: { proposalId, approvedBy: memberState },
  ChangeRejected: { proposalId, rejectedBy: memberState, reason: text },
  ProposalWithdrawn: { proposalId, reason: text },
  ProposalClosed: {
    proposalId,
    reason: { enum: ['expired', 'no-longer-applies'] },
    detail: text,
  },
};

const optionalOf = (eventType: string) => (eventType === 'ProductLineAdded' ? ['standard'] : []);

/** Today's `data` of a type: its fields, the stage a transition enters, when it took effect. */
function dataSchema(eventType: JointVentureEventType): Schema {
  const entered = announcedStage(eventType);
  const stage: Record<string, Schema> =
    entered === undefined
      ? {}
      : {
          stage: {
            const: entered,
            description: 'the stage the joint venture is in after this event',
          },
        };
  const effectiveOn = { ...date, description: 'when the fact took effect' };
  return closed({ ...FIELDS[eventType], ...stage, effectiveOn }, optionalOf(eventType));
}

/** The `data` release 0.1.0 published for a type: its fields and, for a phase change, the phase. */
function release010DataSchema(eventType: string): Schema {
  const entered = release010PhaseOf(eventType);
  const phase: Record<string, Schema> =
    entered === undefined
      ? {}
      : {
          phase: {
            const: entered,
            description: 'the phase the joint venture is in after this event',
          },
        };
  return closed({ ...RELEASE_0_1_0_FIELDS[eventType], ...phase }, optionalOf(eventType));
}

/** The schema of the whole CloudEvent of one type: envelope and data. */
function envelope(type: string, description: string, data: Schema, baseUri: string): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${baseUri}${type}.json`,
    title: type,
    description,
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
      data,
    }),
  };
}

/** The schema of today's notification of a domain event type. */
export function notificationSchema(
  eventType: JointVentureEventType,
  baseUri = DEFAULT_SCHEMA_BASE_URI,
): Schema {
  const description = `CloudEvents 1.0 structured message: the ${eventType} event of a joint venture.`;
  return envelope(integrationTypeOf(eventType), description, dataSchema(eventType), baseUri);
}

/** The schema of the `.v1` notification release 0.1.0 published for an event it recorded. */
export function release010NotificationSchema(
  eventType: string,
  baseUri = DEFAULT_SCHEMA_BASE_URI,
): Schema {
  const description = `CloudEvents 1.0 structured message: the ${eventType} event of a joint venture.`;
  return envelope(
    integrationTypeOf(eventType, 1),
    description,
    release010DataSchema(eventType),
    baseUri,
  );
}

type CatalogueEntry = Readonly<{
  eventType: string;
  type: string;
  schema: Schema;
  summary: string;
}>;

/** Every notification type: release 0.1.0's `.v1` types, then today's. */
const CATALOGUE: readonly CatalogueEntry[] = [
  ...RELEASE_0_1_0_TYPES.map((eventType) => ({
    eventType,
    type: integrationTypeOf(eventType, 1),
    schema: release010NotificationSchema(eventType),
    summary: 'As release 0.1.0 published it: sent for the events that release recorded.',
  })),
  ...JOINT_VENTURE_EVENT_TYPES.map((eventType) => ({
    eventType,
    type: integrationTypeOf(eventType),
    schema: notificationSchema(eventType),
    summary: 'Sent for the events recorded by this release.',
  })),
];

/** Every notification type with its schema. */
export const NOTIFICATION_SCHEMAS: Readonly<Record<string, Schema>> = Object.fromEntries(
  CATALOGUE.map(({ type, schema }) => [type, schema]),
);

/** AsyncAPI 3.0 description of the notification topic. */
export function asyncApiDocument(topic = 'jv.lifecycle.v1'): Schema {
  const messages = Object.fromEntries(
    CATALOGUE.map(({ eventType, type, summary }) => [
      type,
      {
        name: type,
        title: eventType,
        summary,
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
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Joint-venture lifecycle notifications',
      version: '2.0.0',
      description:
        'One message per recorded event, keyed by joint venture id, in the order of each joint ' +
        "venture's history (streamrevision increases by one), delivered at least once: deduplicate by id. " +
        'A message type carries the schema version its event was recorded with: events recorded by ' +
        'release 0.1.0 keep their .v1 types and payloads; a consumer ignores the types it does not know.',
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
