/**
 * Fields the API server would silently drop. Structural CRD schemas do not reject unknown fields, they prune
 * them, so an object can "validate" and still lose a field on apply. `metadata` is the API server's own and is
 * not described by CRDs. `resolve` looks up `$ref`s (`io.k8s...ObjectMeta#`); an unresolved one is not descended.
 */
export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  $ref?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export function prunedFields(value: unknown, schema: SchemaNode | undefined, path = '', resolve: (ref: string) => SchemaNode | undefined = () => undefined): string[] {
  if (schema?.$ref !== undefined) return prunedFields(value, resolve(schema.$ref), path, resolve);
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => prunedFields(v, schema.items, `${path}/${i}`, resolve));
  const out: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (path === '' && (key === 'metadata' || key === 'apiVersion' || key === 'kind')) continue;
    const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (!sub && schema.additionalProperties !== true) out.push(`${path}/${key} is not in the schema and would be pruned`);
    else out.push(...prunedFields(v, sub, `${path}/${key}`, resolve));
  }
  return out;
}
