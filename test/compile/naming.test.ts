import { MAX_OBJECT_NAME_LENGTH, objectName, objectNames, slugify, stableHash } from '../../src/compile/naming';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('slugify', () => {
  test.each([
    ['/faas/api/shop/', 'faas-api-shop'],
    ['/Faas/API/v1.2/', 'faas-api-v1-2'],
    ['//a__b//', 'a-b'],
    ['/', ''],
    ['', ''],
    ['/é/', ''],
  ])('%j → %j', (text, slug) => expect(slugify(text)).toBe(slug));
});

test('stableHash is 8 hex digits and stable', () => {
  expect(stableHash('')).toBe('811c9dc5');
  expect(stableHash('/faas/api/shop/')).toBe('b0fe3ca2');
  expect(stableHash('/a')).not.toBe(stableHash('/b'));
});

describe('objectName', () => {
  const long = `/faas/api/${'very-long-segment/'.repeat(6)}`;
  test.each([
    // Pinned: object names are an interface, a change here renames objects in every cluster.
    ['faas-alpha', { literal: '/faas/api/shop/' }, 'faas-alpha-ksvc-gateway-faas-api-shop-b0fe3ca2'],
    ['faas-alpha', { literal: '/faas/api/shop/', suffix: 'd' }, 'faas-alpha-ksvc-gateway-faas-api-shop-b0fe3ca2-d'],
    ['faas-alpha', { literal: '/faas/api/shop/', identity: 'x' }, `faas-alpha-ksvc-gateway-faas-api-shop-${stableHash('x')}`],
    ['faas-alpha', { literal: '/' }, `faas-alpha-ksvc-gateway-${stableHash('/')}`],
    // too long: the last whole words of the slug stay
    ['faas-alpha', { literal: long }, `faas-alpha-ksvc-gateway-long-segment-very-long-segment-${stableHash(long)}`],
    ['faas-' + 'x'.repeat(58), { literal: '/a/' }, `faas-${'x'.repeat(58)}-ksvc-gateway-${stableHash('/a/')}`],
  ])('%s %j', (ns, request, expected) => {
    const name = objectName(ns, request);
    expect(name).toBe(expected);
    expect(name).toMatch(DNS1123_SUBDOMAIN);
    if (ns.length < 40) expect(name.length).toBeLessThanOrEqual(MAX_OBJECT_NAME_LENGTH);
    expect(name.length).toBeLessThanOrEqual(253);
  });
});

describe('objectNames', () => {
  test('equal slugs get different names from their hashes', () => {
    expect(objectNames('faas-alpha', [{ literal: '/Shop/' }, { literal: '/shop/' }, { literal: '/a-b/' }, { literal: '/a/b/' }])).toEqual([
      `faas-alpha-ksvc-gateway-shop-${stableHash('/Shop/')}`,
      `faas-alpha-ksvc-gateway-shop-${stableHash('/shop/')}`,
      `faas-alpha-ksvc-gateway-a-b-${stableHash('/a-b/')}`,
      `faas-alpha-ksvc-gateway-a-b-${stableHash('/a/b/')}`,
    ]);
  });

  test('a name depends only on its own request: adding one never renames another', () => {
    const before = objectNames('faas-alpha', [{ literal: '/a/' }, { literal: '/c/' }]);
    const after = objectNames('faas-alpha', [{ literal: '/a/' }, { literal: '/A/' }, { literal: '/c/' }]);
    expect(after).toEqual([before[0], `faas-alpha-ksvc-gateway-a-${stableHash('/A/')}`, before[1]]);
  });

  test('identical requests are numbered rather than emitted twice', () => {
    expect(objectNames('faas-alpha', [{ literal: '/a/' }, { literal: '/a/' }])).toEqual([
      `faas-alpha-ksvc-gateway-a-${stableHash('/a/')}`,
      `faas-alpha-ksvc-gateway-a-${stableHash('/a/')}-2`,
    ]);
  });
});
