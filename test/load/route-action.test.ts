import { completeBehaviour } from '../../src/load/route-action';
import { makeRoute } from '../support/project-builder';

const at = { at: { file: 'f', line: 1, col: 1 }, path: 'x' };

describe('completeBehaviour: an override that answers replaces the whole action', () => {
  const base = makeRoute('r', { timeoutMs: 2000, rewriteUri: '/', retries: { attempts: 2 } }).base;

  test('a direct response drops the base forwarding fields; cors and match stay', () => {
    const withCors = { ...base, cors: { allowOrigins: [{ kind: 'exact' as const, value: 'https://a', origin: at }], origin: at } };
    const out = completeBehaviour(withCors, { directResponse: { status: 503, origin: at } });
    expect(out.directResponse?.status).toBe(503);
    expect(out.timeoutMs).toBeUndefined();
    expect(out.rewriteUri).toBeUndefined();
    expect(out.retries).toBeUndefined();
    expect(out.cors).toBe(withCors.cors);
    expect(out.match).toBe(base.match);
  });

  test('a forwarding field replaces a base that answers', () => {
    const answering = completeBehaviour(base, { redirect: { uri: '/new', origin: at } });
    const out = completeBehaviour(answering, { service: 'next' });
    expect(out.redirect).toBeUndefined();
    expect(out.service).toBe('next');
  });

  test('an override of another field keeps the base action', () => {
    const answering = completeBehaviour(base, { redirect: { uri: '/new', origin: at } });
    expect(completeBehaviour(answering, { cors: undefined }).redirect?.uri).toBe('/new');
  });
});
