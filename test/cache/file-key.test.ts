import { fileKeyOf, isKeyOf, pathOfFileKey } from '../../src/cache/file-key';
import { SourceFile } from '../../src/load/read-tree';

const HASH = 'a'.repeat(64);
const hashed = (path: string, hash = HASH): SourceFile => ({ path, area: 'routes', text: 'x', hash });
const overlay = (path: string, text: string): SourceFile => ({ path, area: 'routes', text });

describe('content keys of input files', () => {
  test('a file whose hash is known: its key names the hash and the path, read back by pathOfFileKey', () => {
    const key = fileKeyOf(hashed('routes/shop/cart.yaml'));
    expect(key).toBe(`b:${HASH}:routes/shop/cart.yaml`);
    expect(pathOfFileKey(key)).toBe('routes/shop/cart.yaml');
  });

  test('a file known by its text (an overlay): its key is a digest of path and text, naming no path', () => {
    const key = fileKeyOf(overlay('routes/shop/cart.yaml', 'a: 1\n'));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(pathOfFileKey(key)).toBeUndefined();
    expect(fileKeyOf(overlay('routes/shop/cart.yaml', 'a: 2\n'))).not.toBe(key);
  });

  test('isKeyOf says exactly whether a key is the file\'s key, for both forms', () => {
    const files = [
      hashed('routes/a.yaml'), hashed('routes/a.yaml', 'b'.repeat(64)), hashed('routes/ab.yaml'), hashed('routes/b.yaml'),
      hashed('routes/a.yam'), overlay('routes/a.yaml', 'a: 1\n'), overlay('routes/a.yaml', 'a: 2\n'),
    ];
    const keys = [...files.map(fileKeyOf), `b:${HASH}:routes/a.yamlx`, `b:${HASH}xroutes/a.yaml`, `c:${HASH}:routes/a.yaml`, '', 'missing:routes/a.yaml'];
    for (const file of files) {
      for (const key of keys) expect([file.path, key, isKeyOf(key, file)]).toEqual([file.path, key, key === fileKeyOf(file)]);
    }
  });
});
