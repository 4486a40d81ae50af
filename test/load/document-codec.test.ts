import * as fc from 'fast-check';
import { decodeValues, encodeValues } from '../../src/load/document-codec';
import { DocumentContext } from '../../src/load/document-context';
import { LazyOrigin } from '../../src/load/lazy-origin';
import { formatPath, parsePath, Segment } from '../../src/load/field-path';
import { YamlSource } from '../../src/load/parse-yaml';
import { YamlLocator } from '../../src/load/yaml-locator';

/**
 * The document cache keeps a file's model values as plain data (document-codec.ts): decoding what encoding made
 * must give the same values, with every location (line and column, read lazily) where a fresh load puts it.
 */
describe('field paths read back', () => {
  const segment: fc.Arbitrary<Segment> = fc.oneof(
    fc.nat(1000),
    fc.constantFrom('spec', 'match', 'prefix', 'a.b', 'x[0]', '"q"', '\\', '', '0', '1a', 'ü', 'a-b', '_k', 'app.kubernetes.io/name'),
    fc.string(),
  );

  test('parsePath reads back what formatPath writes, for any path', () => {
    fc.assert(fc.property(fc.array(segment, { maxLength: 6 }), (path) => {
      expect(parsePath(formatPath(path))).toEqual(path);
    }), { numRuns: 2000 });
  });

  test.each(['spec..match', '.spec', 'spec[', 'spec[01]', 'spec["a]', 'spec match', 'spec.1a'])('%s is not a formatted path', (text) => {
    expect(parsePath(text)).toBeUndefined();
  });
});

describe('encode and decode', () => {
  const text = 'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: r1\nspec:\n  timeout: 10s\n  headers:\n    "x.y": "1"\n' +
    '  match:\n    - prefix: /a/\n    - exact: /b\n';
  const file = { path: 'routes/t/r.yaml', area: 'routes' as const, team: 't', text };

  /** A context of the file's one document, as the loader makes it. */
  const context = (): DocumentContext => new DocumentContext(file, new YamlLocator(new YamlSource(file), 0), 0);

  /** Values like a builder makes: origins (value and key targets), a bare location, a shared list, `$` keys. */
  function build(ctx: DocumentContext): unknown {
    const match = [{ kind: 'prefix', value: '/a/', origin: ctx.origin(['spec', 'match', 0, 'prefix']) }];
    return {
      name: 'r1',
      origin: ctx.origin(['metadata', 'name']),
      timeoutKey: ctx.origin(['spec', 'timeout'], 'key'),
      timeoutValue: ctx.origin(['spec', 'timeout']),
      header: ctx.origin(['spec', 'headers', 'x.y'], 'key'),
      bare: ctx.location(['spec', 'match', 1, 'exact']),
      lazyBare: ctx.origin(['spec', 'match', 1]).at,
      base: { match },
      override: { match },
      userKeys: { $ref: 1, $o: 'spec', $loc: ['x'] },
      items: [1, 'two', null, true, { deep: [[]] }],
    };
  }

  test('decoding gives the values and locations a fresh load gives, shared objects shared', () => {
    const fresh = build(context());
    const encoded = encodeValues([fresh]);
    expect(encoded).toBeDefined();
    // through JSON, as the cache keeps it
    const ctx = context();
    const [decoded] = decodeValues(JSON.parse(JSON.stringify(encoded)), (_index, path, target) => ctx.lazyLocation(path, target)) as [
      { base: { match: unknown }; override: { match: unknown } },
    ];
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(fresh));
    expect(decoded.base.match).toBe(decoded.override.match);
    // a key and a value target differ here, and each keeps its own
    const { timeoutKey, timeoutValue } = decoded as unknown as Record<string, { at: { col: number } }>;
    expect(timeoutKey.at.col).not.toBe(timeoutValue.at.col);
  });

  test('decoded with lazy origins (as the loader decodes), values and locations are those of a fresh load', () => {
    const fresh = build(context());
    const ctx = context();
    const [decoded] = decodeValues(
      JSON.parse(JSON.stringify(encodeValues([fresh]))), (_index, path, target) => ctx.lazyLocation(path, target), undefined,
      (_index, path, target) => ctx.lazyOrigin(path, target),
    ) as [Record<string, { at: { line: number; col: number }; path: string }>];
    expect(decoded.origin).toBeInstanceOf(LazyOrigin);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(fresh));
    const freshOrigins = fresh as Record<string, { at: { line: number; col: number }; path: string }>;
    for (const key of ['origin', 'timeoutKey', 'timeoutValue', 'header']) {
      expect({ key, at: { ...decoded[key].at }, path: decoded[key].path }).toEqual({ key, at: { ...freshOrigins[key].at }, path: freshOrigins[key].path });
    }
  });

  test('a lazy origin reads, spreads, serializes and compares like a plain { at, path }, and its location is one object', () => {
    const origin = context().lazyOrigin('spec.timeout');
    const plain = { at: { file: 'routes/t/r.yaml', line: 6, col: 12 }, path: 'spec.timeout' };
    expect(Object.keys(origin)).toEqual(['at', 'path']);
    expect(origin.at).toBe(origin.at);
    expect({ ...origin }).toEqual(plain);
    expect(JSON.parse(JSON.stringify(origin))).toStrictEqual(plain);
    expect(origin).toEqual(plain);
    expect(origin).not.toEqual({ ...plain, path: 'spec.timeouts' });
    expect(context().lazyOrigin('spec.timeout', 'key').at).toEqual({ file: 'routes/t/r.yaml', line: 6, col: 3 });
  });

  test('a lazy location reads, spreads, serializes and compares like a plain { file, line, col }', () => {
    const [decoded] = decodeValues(JSON.parse(JSON.stringify(encodeValues([build(context())]))), (_index, path, target) =>
      context().lazyLocation(path, target)) as [{ timeoutValue: { at: object; path: string } }];
    const plain = { file: 'routes/t/r.yaml', line: 6, col: 12 };
    const { at } = decoded.timeoutValue;
    expect(Object.keys(at)).toEqual(['file', 'line', 'col']);
    expect({ ...at }).toStrictEqual(plain);
    expect(JSON.parse(JSON.stringify(at))).toStrictEqual(plain);
    expect(decoded.timeoutValue).toEqual({ at: plain, path: 'spec.timeout' });
    expect(at).not.toEqual({ ...plain, line: 7 });
  });

  test('decoding reuses the objects of the data it is given (the cache hands each caller a fresh copy)', () => {
    const data = JSON.parse(JSON.stringify(encodeValues([build(context())]))) as Record<string, unknown>[];
    const { items, base } = data[0] as { items: unknown; base: unknown };
    const [decoded] = decodeValues(data as never, (_index, path, target) => context().lazyLocation(path, target)) as [Record<string, unknown>];
    expect(decoded).toBe(data[0]);
    expect(decoded.items).toBe(items);
    expect(decoded.items).toEqual([1, 'two', null, true, { deep: [[]] }]);
    expect(decoded.base).toBe(base);
  });

  test('an origin is kept as its formatted path, not as segments and a location marker', () => {
    const encoded = JSON.stringify(encodeValues([{ origin: context().origin(['spec', 'headers', 'x.y'], 'key') }]));
    expect(encoded).toBe('[{"origin":"\u007fkspec.headers[\\"x.y\\"]"}]');
  });

  test('a string of the user\'s that starts as an encoded origin does, or reads as a marker, comes back as it was', () => {
    const odd = { a: '\u007fvspec.x', b: ['\u007fk', '\u007f'], $o: 'x', c: { $s: '\u007f' } };
    const encoded = JSON.parse(JSON.stringify(encodeValues([odd]))) as never;
    expect(decodeValues(encoded, (_index, path, target) => context().lazyLocation(path, target))).toStrictEqual([odd]);
  });

  test('keys of the user\'s read back as they were: `__proto__`, `$`-keys among others, objects with `at` and `path`', () => {
    const odd = JSON.parse('{"headers":{"__proto__":{"x":"1"},"plain":"2"},"query":{"a":"1","$ref":"2"},"notOrigin":{"at":{"file":"f"},"path":"p"},"three":{"at":{},"path":"p","more":1}}') as Record<string, unknown>;
    const encoded = JSON.parse(JSON.stringify(encodeValues([odd]))) as never;
    const [decoded] = decodeValues(encoded, (_index, path, target) => context().lazyLocation(path, target)) as [Record<string, unknown>];
    expect(Object.getPrototypeOf(decoded.headers)).toBe(Object.prototype);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(odd));
    expect(Object.keys(decoded.headers as object)).toEqual(['__proto__', 'plain']);
  });

  test('a Map with string keys (the Delivery\'s Argo CD clusters) reads back as a Map, in order, its values decoded', () => {
    const ctx = context();
    const shared = { kept: true };
    const value = { clusters: new Map([['z-last', { name: 'z', origin: ctx.origin(['spec', 'timeout']) }], ['a-first', { server: 'https://a' }]]), shared, again: new Map([['s', shared]]) };
    const encoded = encodeValues([value]);
    expect(encoded).toBeDefined();
    const [decoded] = decodeValues(JSON.parse(JSON.stringify(encoded)), (_index, path, target) => context().lazyLocation(path, target)) as [typeof value];
    expect(decoded.clusters).toBeInstanceOf(Map);
    expect([...decoded.clusters.keys()]).toEqual(['z-last', 'a-first']);
    expect((decoded.clusters.get('z-last') as { origin: { at: { line: number } } }).origin.at.line).toBe(6);
    expect(decoded.again.get('s')).toBe(decoded.shared);
    // keys that are not strings, or a Map of another class, are not kept
    expect(encodeValues([new Map([[1, 'x']])])).toBeUndefined();
    expect(encodeValues([new (class extends Map<string, string> {})([['a', 'x']])])).toBeUndefined();
  });
});
