import { CompactReader, CompactWriter } from '../../src/map/compact-json';

describe('compact-json records', () => {
  const values: unknown[] = [
    { name: 'shop-cart', match: [{ uri: { prefix: '/faas/api/shop/cart/' } }], route: [{ destination: { host: 'gw.istio-system.svc.cluster.local', port: { number: 80 } }, weight: 90 }] },
    { name: 'shop-list', match: [{ uri: { prefix: '/faas/api/shop/list/' } }], route: [{ destination: { host: 'gw.istio-system.svc.cluster.local', port: { number: 80 } }, weight: 10 }] },
    { 10: 'integer-like keys come first', a: true, b: false, c: null, d: 0.25, e: -3, f: [], g: {}, h: [[1, 'x'], []], '': 'empty key' },
    'a bare string', 42, null, [1, '1', true], 'ünïcödé "quoted" \\ </script>',
  ];

  it('restores every value, equal under JSON, after the records and tables went through JSON', () => {
    const writer = new CompactWriter();
    const records = values.map((v) => writer.record(v));
    const { records: sent, tables } = JSON.parse(JSON.stringify({ records, tables: writer.tables() }));
    const reader = new CompactReader(tables);
    expect(sent.map((r: number[]) => reader.read(r))).toEqual(values);
    for (const [i, v] of values.entries()) expect(JSON.stringify(reader.read(sent[i]))).toBe(JSON.stringify(v));
  });

  it('writes each shape and each string once', () => {
    const writer = new CompactWriter();
    const [a, b] = [writer.record(values[0]), writer.record(values[1])];
    const { shapes, strings } = writer.tables();
    expect(shapes).toHaveLength(1);
    expect(a[0]).toBe(b[0]);
    expect(strings.filter((s) => s === 'gw.istio-system.svc.cluster.local')).toHaveLength(1);
    expect(new Set(strings).size).toBe(strings.length);
    // Only what differs costs more than a shared string index.
    expect(a.length).toBe(b.length);
    expect(strings).toEqual(['shop-cart', '/faas/api/shop/cart/', 'gw.istio-system.svc.cluster.local', 'shop-list', '/faas/api/shop/list/']);
    expect(writer.string('shop-list')).toBe(3);
  });

  it('writes shapes as the values with strings as 0 and numbers as 1, keys in the value\'s order', () => {
    const writer = new CompactWriter();
    writer.record(values[2]);
    writer.record(values[6]);
    expect(writer.tables().shapes).toStrictEqual([
      { 10: 0, a: true, b: false, c: null, d: 1, e: 1, f: [], g: {}, h: [[1, 0], []], '': 0 },
      [1, 0, true],
    ]);
    expect(Object.keys(writer.tables().shapes[0] as object)).toEqual(Object.keys(values[2] as object));
  });

  it('leaves out undefined members as JSON does, and refuses what JSON cannot hold', () => {
    const writer = new CompactWriter();
    const reader = new CompactReader(writer.tables());
    expect(reader.read(writer.record({ a: undefined, b: [undefined, 1] }))).toEqual({ b: [null, 1] });
    expect(() => writer.record({ n: Number.NaN })).toThrow(/not JSON/);
    expect(() => writer.record({ f: () => 1 })).toThrow(/not JSON/);
  });
});
