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
  expect(stableHash('/faas/api/shop/')).toMatch(/^[0-9a-f]{8}$/);
  expect(stableHash('/a')).not.toBe(stableHash('/b'));
});

describe('objectName', () => {
  const long = `/faas/api/${'very-long-segment/'.repeat(6)}`;
  test.each([
    ['faas-alpha', { literal: '/faas/api/shop/' }, 'faas-alpha-ksvc-gateway-faas-api-shop'],
    ['faas-alpha', { literal: '/faas/api/shop/', suffix: 'd2' }, 'faas-alpha-ksvc-gateway-faas-api-shop-d2'],
    ['faas-alpha', { literal: '/' }, `faas-alpha-ksvc-gateway-${stableHash('/')}`],
    ['faas-alpha', { literal: long }, `faas-alpha-ksvc-gateway-faas-api-very-long-segment-ver-${stableHash(long)}`],
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
  test('colliding slugs both get the hash; the others keep plain names', () => {
    expect(objectNames('faas-alpha', [{ literal: '/Shop/' }, { literal: '/shop/' }, { literal: '/pay/' }])).toEqual([
      `faas-alpha-ksvc-gateway-shop-${stableHash('/Shop/')}`,
      `faas-alpha-ksvc-gateway-shop-${stableHash('/shop/')}`,
      'faas-alpha-ksvc-gateway-pay',
    ]);
  });

  test('a name depends only on its own literal when nothing collides', () => {
    const before = objectNames('faas-alpha', [{ literal: '/a/' }, { literal: '/c/' }]);
    const after = objectNames('faas-alpha', [{ literal: '/a/' }, { literal: '/b/' }, { literal: '/c/' }]);
    expect(after).toEqual([before[0], 'faas-alpha-ksvc-gateway-b', before[1]]);
  });
});
