import { RouteBehaviour } from '../model/project';
import { CorsPolicy, FaultPolicy, HeaderPolicy } from '../model/route-policies';
import { VersionProfile } from '../versions/profile';
import { supportsFeature } from '../versions/route-features';
import {
  CorsTable, DirectResponseAction, FaultTable, ForwardAction, HeadersTable, RedirectAction, RoutePolicies,
} from './route-table';
import { makeForwardAction } from './table-builders';

/**
 * Everything of a (cluster, environment) that {@link makeAction} reads: the action of a behaviour is a function of
 * the behaviour and this context alone, so slots with equal contexts ({@link actionContextKey}) give every route the
 * same action (compile-environment.ts shares them). Plain data; a new input of an action belongs here.
 */
export interface ActionContext {
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly zeroRetryAttempts: boolean;
  readonly retryOnCodesNeedPolicy: boolean;
  /** Where CORS origins go (see makeCors). */
  readonly corsOriginsField: CorsTable['originsField'];
}

/** The action context of a slot. */
export function actionContextOf(namespace: string, clusterDomain: string, profile: VersionProfile): ActionContext {
  return {
    namespace,
    clusterDomain,
    zeroRetryAttempts: profile.zeroRetryAttempts,
    retryOnCodesNeedPolicy: profile.retryOnCodesNeedPolicy,
    corsOriginsField: supportsFeature(profile.istio, 'allowOrigins') ? 'allowOrigins' : 'allowOrigin',
  };
}

/** Equal for equal contexts, different for different ones. */
export function actionContextKey(ctx: ActionContext): string {
  return JSON.stringify([ctx.namespace, ctx.clusterDomain, ctx.zeroRetryAttempts, ctx.retryOnCodesNeedPolicy, ctx.corsOriginsField]);
}

/**
 * The action of a behaviour in one (cluster, environment): forward (with its policies), redirect or direct
 * response. Pure `make*` functions; nothing undefined is ever set.
 */
export function makeAction(behaviour: RouteBehaviour, ctx: ActionContext): ForwardAction | RedirectAction | DirectResponseAction {
  const policies = makePolicies(behaviour, ctx);
  if (behaviour.redirect) {
    const r = behaviour.redirect;
    return {
      type: 'redirect',
      ...(r.uri !== undefined ? { uri: r.uri } : {}),
      ...(r.authority !== undefined ? { authority: r.authority } : {}),
      ...(r.code !== undefined && r.code !== 301 ? { code: r.code } : {}),
      ...(r.scheme !== undefined ? { scheme: r.scheme } : {}),
      ...(r.port !== undefined ? { port: r.port } : {}),
      ...policies,
    };
  }
  if (behaviour.directResponse) {
    const d = behaviour.directResponse;
    return { type: 'directResponse', status: d.status, ...(d.body !== undefined ? { body: d.body } : {}), ...policies };
  }
  return { ...makeForwardAction(behaviour, ctx.namespace, ctx.clusterDomain, ctx), ...policies };
}

function makePolicies(behaviour: RouteBehaviour, ctx: ActionContext): RoutePolicies {
  return {
    ...(behaviour.fault ? { fault: makeFault(behaviour.fault) } : {}),
    ...(behaviour.cors ? { cors: makeCors(behaviour.cors, ctx.corsOriginsField) } : {}),
    ...(behaviour.headers ? { headers: makeHeaders(behaviour.headers) } : {}),
  };
}

function makeFault(f: FaultPolicy): FaultTable {
  return {
    ...(f.delay ? { delay: { fixedDelayMs: f.delay.fixedDelayMs, percentage: f.delay.percentage } } : {}),
    ...(f.abort ? { abort: { httpStatus: f.abort.httpStatus, percentage: f.abort.percentage } } : {}),
  };
}

/**
 * Istio >= 1.5 reads `allowOrigins` (StringMatch) first; before, only `allowOrigin` (exact strings) exists. The
 * feature gates refuse prefix and regex origins before 1.5, so the older field only ever carries exact ones.
 */
function makeCors(c: CorsPolicy, originsField: CorsTable['originsField']): CorsTable {
  return {
    originsField,
    allowOrigins: c.allowOrigins.map(({ kind, value }) => ({ kind, value })),
    ...(c.allowMethods ? { allowMethods: [...c.allowMethods] } : {}),
    ...(c.allowHeaders ? { allowHeaders: [...c.allowHeaders] } : {}),
    ...(c.exposeHeaders ? { exposeHeaders: [...c.exposeHeaders] } : {}),
    ...(c.maxAgeSeconds !== undefined ? { maxAgeSeconds: c.maxAgeSeconds } : {}),
    ...(c.allowCredentials !== undefined ? { allowCredentials: c.allowCredentials } : {}),
  };
}

function makeHeaders(h: HeaderPolicy): HeadersTable {
  return { ...(h.request ? { request: h.request } : {}), ...(h.response ? { response: h.response } : {}) };
}
