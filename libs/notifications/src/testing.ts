import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { NOTIFICATION_SCHEMAS } from './schemas';
import type { LifecycleCloudEvent } from './integration-events';

/** Validates a notification against the JSON Schema of its type; returns the errors, if any. */
export function schemaErrorsOf(message: LifecycleCloudEvent | Record<string, unknown>): string[] {
  const schema = NOTIFICATION_SCHEMAS[String(message.type)];
  if (!schema) return [`no schema for type ${String(message.type)}`];
  const validate = validators.get(String(message.type)) ?? compile(String(message.type), schema);
  return validate(message)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function compile(type: string, schema: object) {
  const validate = ajv.compile(schema);
  validators.set(type, validate);
  return validate;
}
