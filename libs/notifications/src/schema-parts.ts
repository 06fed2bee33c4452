/** Pieces the notification schemas (JSON Schema 2020-12) are built from. */
export type Schema = Record<string, unknown>;

/** An object with exactly these properties: a leaked field fails validation. */
export const closed = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});
export const nullable = (schema: Schema): Schema => ({ anyOf: [{ type: 'null' }, schema] });
export const text = { type: 'string', minLength: 1 };
export const date = { type: 'string', format: 'date' };
export const quantity = { type: 'integer', minimum: 1 };
export const count = { type: 'integer', minimum: 0 };
export const basisPoints = {
  type: 'integer',
  minimum: 1,
  maximum: 10000,
  description: 'basis points; 10000 = 100 %',
};
export const memberState = {
  type: 'string',
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2',
};
export const allocation = {
  type: 'array',
  minItems: 1,
  items: closed({ enterpriseCode: text, shareBasisPoints: basisPoints }),
};
export const productLine = closed({ productCode: text, name: text, standard: text }, ['standard']);
