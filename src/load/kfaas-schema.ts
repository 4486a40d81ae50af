import schemaJson from '../../schema/kfaas.schema.json';

/** A node of the JSON Schema. */
export type SchemaNode = Readonly<Record<string, unknown>>;

/**
 * schema/kfaas.schema.json, the one schema editors and the loader share. JSON Schema 2020-12: RouteSpec and
 * RouteOverride share one field list (`$defs/RouteFields`) and close themselves with `unevaluatedProperties`.
 */
export const KFAAS_SCHEMA = schemaJson as unknown as SchemaNode & { readonly $id: string; readonly $defs: Readonly<Record<string, SchemaNode>> };

/**
 * Ajv's strict mode for schema/kfaas.schema.json (the loader's generated validators and the schema tests compile
 * it alike). strictRequired off: it checks a required name against the same schema's own `properties` only, and
 * RouteSpec requires `match`, which it takes from $defs/RouteFields by allOf. Every other strict check stays.
 */
export const SCHEMA_STRICTNESS = { strict: true, strictRequired: false } as const;
