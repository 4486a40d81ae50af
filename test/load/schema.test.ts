import Ajv from 'ajv/dist/2020';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { DOCUMENT_KINDS } from '../../src/load/document-kinds';
import { parseDuration } from '../../src/load/durations';
import { KFAAS_SCHEMA, SCHEMA_STRICTNESS } from '../../src/load/kfaas-schema';
import { API_VERSION, RETRY_ON_POLICIES } from '../../src/model/defaults';
import { parseVersion } from '../../src/model/version';

/** schema/kfaas.schema.json is what editors (YAML language server) use; it must agree with the loader. */
type Node = Record<string, unknown>;
const defs = KFAAS_SCHEMA.$defs as Record<string, Node>;
const REPO = join(__dirname, '..', '..');

function editorValidator(): ReturnType<Ajv['compile']> {
  const ajv = new Ajv({ ...SCHEMA_STRICTNESS, allErrors: true });
  ajv.addKeyword('patternErrorMessage');
  return ajv.compile(KFAAS_SCHEMA);
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function walkNodes(node: unknown, visit: (n: Node, path: string) => void, path = ''): void {
  if (node === null || typeof node !== 'object') return;
  if (!Array.isArray(node)) visit(node as Node, path);
  for (const [k, v] of Object.entries(node)) {
    if (k !== 'examples' && k !== 'enum' && k !== 'default') walkNodes(v, visit, `${path}/${k}`);
  }
}

describe('schema/kfaas.schema.json', () => {
  test('compiles in ajv strict mode as a whole (kind dispatch by if/then)', () => {
    expect(() => editorValidator()).not.toThrow();
  });

  test('accepts every example input of the repository', () => {
    const validate = editorValidator();
    const inputs = [
      ...yamlFiles(join(REPO, 'clusters')),
      ...yamlFiles(join(REPO, 'routes')),
      ...yamlFiles(join(REPO, 'test', 'fixtures', 'golden')).filter((f) => f.includes('/input/')),
    ];
    expect(inputs.length).toBeGreaterThan(10);
    for (const file of inputs) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8')) as unknown as { toJS(): unknown }[]) {
        const data = doc.toJS();
        if (data === null) continue;
        expect({ file, ok: validate(data), errors: validate.errors ?? null }).toEqual({ file, ok: true, errors: null });
      }
    }
  });

  test.each([
    ['a Route with a Cluster field', { apiVersion: API_VERSION, kind: 'Route', metadata: { name: 'a' }, spec: { match: [{ prefix: '/' }], istio: '1.5' } }],
    ['a Cluster without environments', { apiVersion: API_VERSION, kind: 'Cluster', metadata: { name: 'a' }, spec: { istio: '1.5', knative: '0.15' } }],
    ['a Team with a bad prefix', { apiVersion: API_VERSION, kind: 'Team', metadata: { name: 'a' }, spec: { owns: ['shop'] } }],
    ['an unknown kind', { apiVersion: API_VERSION, kind: 'Egress', metadata: { name: 'a' }, spec: {} }],
    ['a rewrite of the authority', { apiVersion: API_VERSION, kind: 'Route', metadata: { name: 'a' }, spec: { match: [{ prefix: '/' }], rewrite: { uri: '/', authority: 'x' } } }],
  ])('rejects %s', (_, doc) => {
    expect(editorValidator()(doc)).toBe(false);
  });

  test('every document kind of the loader has a definition and a dispatch branch', () => {
    const kinds = (KFAAS_SCHEMA.properties as { kind: { enum: string[] } }).kind.enum;
    const branches = JSON.stringify(KFAAS_SCHEMA.allOf);
    for (const k of DOCUMENT_KINDS) {
      expect(defs[k.definition]).toBeDefined();
      expect(kinds).toContain(k.kind);
      expect(branches).toContain(`"const":"${k.kind}"`);
      expect(k.apiVersion).toBe((defs.ApiVersion as { const: string }).const);
    }
    expect((defs.ApiVersion as { const: string }).const).toBe(API_VERSION);
  });

  test("the README names every kind the schema describes, and how many there are", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const sentence = readme.match(/`schema\/kfaas\.schema\.json` describes all (\w+) kinds \(([^)]*)\)/);
    expect(sentence).not.toBeNull();
    const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];
    expect(words.indexOf(sentence![1]) + 1).toBe(DOCUMENT_KINDS.length);
    expect(sentence![2].split(/, | and /).sort()).toEqual(DOCUMENT_KINDS.map((k) => k.kind).sort());
  });

  test('retryOn policy names are the ones in defaults.ts', () => {
    const branches = (defs.RetryOn as { anyOf: Node[] }).anyOf;
    const names = branches.find((b) => Array.isArray(b.enum))?.enum;
    expect(names).toEqual(RETRY_ON_POLICIES);
  });

  test('every pattern outside anyOf says in words what it expects (editors show it; the loader reuses it)', () => {
    const missing: string[] = [];
    walkNodes(defs, (node, path) => {
      if (typeof node.pattern === 'string' && !path.includes('/anyOf/') && typeof node.patternErrorMessage !== 'string') missing.push(path);
      if (typeof node.patternErrorMessage === 'string') expect(node.patternErrorMessage).toMatch(/^expected /);
    });
    expect(missing).toEqual([]);
  });

  test('every field has a description for hover docs', () => {
    const missing: string[] = [];
    walkNodes(defs, (node, path) => {
      if (!path.match(/\/properties\/[^/]+$/)) return;
      const ref = typeof node.$ref === 'string' ? defs[node.$ref.replace('#/$defs/', '')] : undefined;
      if (typeof node.description !== 'string' && typeof ref?.description !== 'string') missing.push(path);
    });
    expect(missing).toEqual([]);
  });

  test('a field list is declared once: no two mappings repeat three or more identical field declarations', () => {
    // Sharing goes through one definition included by $ref (RouteSpec and RouteOverride both include RouteFields
    // and close themselves with unevaluatedProperties), so a new route field is one edit, not two.
    const declarations: { path: string; fields: Record<string, unknown> }[] = [];
    walkNodes(defs, (node, path) => {
      if (node.properties !== null && typeof node.properties === 'object') declarations.push({ path, fields: node.properties as Record<string, unknown> });
    });
    expect(declarations.length).toBeGreaterThan(20);
    const repeated: string[] = [];
    for (const [i, a] of declarations.entries()) {
      for (const b of declarations.slice(i + 1)) {
        const same = Object.keys(a.fields).filter((f) => f in b.fields && JSON.stringify(a.fields[f]) === JSON.stringify(b.fields[f]));
        if (same.length >= 3) repeated.push(`${a.path} and ${b.path}: ${same.join(', ')}`);
      }
    }
    expect(repeated).toEqual([]);
  });

  test('RouteSpec and RouteOverride take the route fields from $defs/RouteFields and accept nothing else', () => {
    const include = [{ $ref: '#/$defs/RouteFields' }];
    expect(defs.RouteSpec.allOf).toEqual(include);
    expect(defs.RouteOverride.allOf).toEqual(include);
    expect(defs.RouteOverride.properties).toBeUndefined();
    const routeFields = Object.keys(defs.RouteFields.properties as object);
    expect(routeFields).toEqual(expect.arrayContaining(['service', 'match', 'timeout', 'retries', 'traffic', 'redirect', 'directResponse']));
    expect(Object.keys(defs.RouteSpec.properties as object).filter((f) => routeFields.includes(f))).toEqual([]);
    const validate = editorValidator();
    const route = (spec: Record<string, unknown>): unknown => ({ apiVersion: API_VERSION, kind: 'Route', metadata: { name: 'a' }, spec });
    const match = [{ prefix: '/faas/api/a/' }];
    expect(validate(route({ match, timeout: '1s', overrides: { prod: { timeout: '2s', match, service: 'b' } } }))).toBe(true);
    expect(validate(route({ match, overrides: { prod: { environments: ['prod'] } } }))).toBe(false);
    expect(validate(route({ match, overrides: { prod: { overrides: {} } } }))).toBe(false);
    expect(validate(route({ match, timout: '1s' }))).toBe(false);
    expect(validate(route({ match, overrides: { prod: { timeout: 'soon' } } }))).toBe(false);
  });

  test('examples are valid and mean what the loader reads', () => {
    const ajv = new Ajv(SCHEMA_STRICTNESS);
    ajv.addKeyword('patternErrorMessage');
    ajv.addSchema(KFAAS_SCHEMA);
    for (const [name, def] of Object.entries(defs)) {
      if (!Array.isArray(def.examples)) continue;
      const validate = ajv.getSchema(`${KFAAS_SCHEMA.$id}#/$defs/${name}`)!;
      for (const example of def.examples) expect({ name, example, ok: validate(example) }).toEqual({ name, example, ok: true });
    }
    for (const v of defs.Version.examples as string[]) expect(parseVersion(v)).toBeDefined();
    for (const d of defs.Duration.examples as string[]) expect(parseDuration(d).ok).toBe(true);
  });
});
