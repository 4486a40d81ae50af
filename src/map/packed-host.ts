import type { MergedRoute, MergedVirtualHost } from '../explain/merge';
import type { PathCondition } from '../explain/match';
import type { RequestMatcher } from '../explain/request-match';
import { regexLiterals } from '../explain/route-index';
import type { HttpRoute, VsRef } from '../explain/virtual-service';
import { CompactReader, CompactRecord, CompactWriter } from './compact-json';

/**
 * A merged virtual host (`mergeVirtualHost`, the explain engine's first step) in compact form (`compact-json.ts`),
 * so the route map's page runs the engine's first-match step (`explainPath`) on exactly what `kfaas explain`
 * merges without paying for the merge (and its regex compilation) while it loads. Each Istio route and
 * VirtualService is written once however many Envoy routes share it, and the page restores an Istio route only
 * when a search hit or a table row needs it; `unpackHost` restores the same objects.
 */
export interface PackedHost {
  readonly host: string;
  readonly gateway: string;
  /** @default - no VirtualService serves the host */
  readonly domain?: string;
  /** The merged VirtualServices, in merge order. */
  readonly order: readonly number[];
  /** Every VirtualService a route or the merge order names. */
  readonly services: readonly VsRef[];
  /** Every Istio route (after delegation) the Envoy routes come from, as records. */
  readonly https: readonly CompactRecord[];
  /** The Envoy routes in evaluation order. */
  readonly routes: PackedRoutes;
  /** Literal start of each regex pattern (`RouteIndex`), computed once here. */
  readonly regexLiterals: Readonly<Record<string, string>>;
}

/**
 * The Envoy routes as columns (entry `i` of each array for route `i`), so the page builds its route list with a
 * few array reads per route: strings are indexes into the string table, `-1` stands for none. What most routes
 * leave at its default is in `extras`.
 */
export interface PackedRoutes {
  /** VirtualService (index into `services`) and `spec.http` index of each route's origin. */
  readonly service: readonly number[];
  readonly httpIndex: readonly number[];
  /** The Istio route (index into `https`). */
  readonly http: readonly number[];
  /** The Envoy path specifier's kind and value. */
  readonly kind: readonly number[];
  readonly value: readonly number[];
  readonly routeName: readonly number[];
  readonly matchIndex: readonly number[];
  /** Positions of the routes with {@link RouteExtras}, ascending. */
  readonly extraAt: readonly number[];
  /** Records of {@link RouteExtras}, one per `extraAt` entry. */
  readonly extras: readonly CompactRecord[];
}

/** What a route may set beyond the columns; absent fields take the noted defaults. */
export interface RouteExtras {
  /** `[service, httpIndex]`. @default - not inlined from a delegate */
  readonly d?: readonly [number, number];
  /** @default false */
  readonly ignoreCase?: boolean;
  /** @default - no method, header or query condition */
  readonly r?: RequestMatcher;
  /** `null` for none. @default routeName */
  readonly istioName?: string | null;
  /** `null` for none. @default istioName */
  readonly envoyName?: string | null;
  readonly matchName?: string;
  /** @default [] */
  readonly unsupported?: readonly string[];
  /** @default false */
  readonly catchAll?: boolean;
}

const NO_CONDITIONS: RequestMatcher = { headers: [], withoutHeaders: [], queryParams: [] };
const NONE = -1;

/** The merged host in compact form; its strings go to `writer`'s table. */
export function packHost(merged: MergedVirtualHost, writer: CompactWriter): PackedHost {
  const services: VsRef[] = [];
  const serviceIds = new Map<string, number>();
  const serviceId = (ref: VsRef): number => {
    const key = `${ref.namespace}/${ref.name}`;
    let id = serviceIds.get(key);
    if (id === undefined) {
      id = services.push({ name: ref.name, namespace: ref.namespace }) - 1;
      serviceIds.set(key, id);
    }
    return id;
  };
  const https: CompactRecord[] = [];
  const httpIds = new Map<HttpRoute, number>();
  const routes = {
    service: [] as number[], httpIndex: [] as number[], http: [] as number[], kind: [] as number[], value: [] as number[],
    routeName: [] as number[], matchIndex: [] as number[], extraAt: [] as number[], extras: [] as CompactRecord[],
  };
  const optionalString = (text: string | undefined): number => (text === undefined ? NONE : writer.string(text));
  merged.routes.forEach((r, position) => {
    let h = httpIds.get(r.http);
    if (h === undefined) {
      h = https.push(writer.record(r.http)) - 1;
      httpIds.set(r.http, h);
    }
    routes.service.push(serviceId(r.origin.virtualService));
    routes.httpIndex.push(r.origin.httpIndex);
    routes.http.push(h);
    routes.kind.push(writer.string(r.condition.kind));
    routes.value.push(writer.string(r.condition.value));
    routes.routeName.push(optionalString(r.routeName));
    routes.matchIndex.push(r.matchIndex ?? NONE);
    const empty = !r.request.method && r.request.headers.length === 0 && r.request.withoutHeaders.length === 0 && r.request.queryParams.length === 0;
    const extras: RouteExtras = {
      ...(r.delegate ? { d: [serviceId(r.delegate.virtualService), r.delegate.httpIndex] as const } : {}),
      ...(r.condition.ignoreCase !== undefined ? { ignoreCase: r.condition.ignoreCase } : {}),
      ...(empty ? {} : { r: r.request }),
      ...(r.istioName !== r.routeName ? { istioName: r.istioName ?? null } : {}),
      ...(r.envoyName !== r.istioName ? { envoyName: r.envoyName ?? null } : {}),
      ...(r.matchName !== undefined ? { matchName: r.matchName } : {}),
      ...(r.unsupported.length > 0 ? { unsupported: r.unsupported } : {}),
      ...(r.catchAll ? { catchAll: true } : {}),
    };
    if (Object.keys(extras).length > 0) {
      routes.extraAt.push(position);
      routes.extras.push(writer.record(extras));
    }
  });
  return {
    host: merged.host,
    gateway: merged.gateway,
    ...(merged.domain !== undefined ? { domain: merged.domain } : {}),
    order: merged.order.map(serviceId),
    services,
    https,
    routes,
    regexLiterals: regexLiterals(merged),
  };
}

/**
 * The merged host back, route for route as `mergeVirtualHost` returned it (its `dropped` routes and warnings stay
 * with the page's warnings list). Each route's `http` is restored on first use (a search hit, a row in view) and
 * then shared by every route of the same Istio route.
 */
export function unpackHost(packed: PackedHost, reader: CompactReader): MergedVirtualHost {
  const origin = (s: number, httpIndex: number) => ({ virtualService: packed.services[s], httpIndex });
  const https: (HttpRoute | undefined)[] = new Array(packed.https.length);
  const httpOf = (h: number): HttpRoute => (https[h] ??= reader.read(packed.https[h]) as HttpRoute);
  const columns = packed.routes;
  const optionalString = (id: number): string | undefined => (id === NONE ? undefined : reader.string(id));
  const extras = new Map(columns.extraAt.map((position, i) => [position, reader.read(columns.extras[i]) as RouteExtras]));
  /**
   * A route whose `http` (on the prototype) is restored on first use; the other fields are `MergedRoute`'s. A
   * class, not literals with a getter: V8 builds thousands of these in a few milliseconds, the literals took
   * ten times longer.
   */
  class UnpackedRoute implements MergedRoute {
    // `declare`: assigned in the constructor only (no field initializers, which esbuild lowers to defineProperty).
    declare public readonly position: number;
    declare public readonly origin: MergedRoute['origin'];
    declare public readonly delegate?: MergedRoute['delegate'];
    declare public readonly routeName?: string;
    declare public readonly istioName?: string;
    declare public readonly envoyName?: string;
    declare public readonly matchIndex?: number;
    declare public readonly matchName?: string;
    declare public readonly condition: PathCondition;
    declare public readonly request: RequestMatcher;
    declare public readonly unsupported: readonly string[];
    declare public readonly catchAll: boolean;

    public constructor(position: number) {
      this.position = position;
      const x = extras.get(position);
      this.origin = origin(columns.service[position], columns.httpIndex[position]);
      if (x?.d) this.delegate = origin(x.d[0], x.d[1]);
      this.routeName = optionalString(columns.routeName[position]);
      this.istioName = x?.istioName === undefined ? this.routeName : x.istioName ?? undefined;
      this.envoyName = x?.envoyName === undefined ? this.istioName : x.envoyName ?? undefined;
      const matchIndex = columns.matchIndex[position];
      this.matchIndex = matchIndex === NONE ? undefined : matchIndex;
      this.matchName = x?.matchName;
      const kind = reader.string(columns.kind[position]) as PathCondition['kind'];
      const value = reader.string(columns.value[position]);
      this.condition = x?.ignoreCase !== undefined ? { kind, value, ignoreCase: x.ignoreCase } : { kind, value };
      this.request = x?.r ?? NO_CONDITIONS;
      this.unsupported = x?.unsupported ?? [];
      this.catchAll = x?.catchAll ?? false;
    }

    public get http(): HttpRoute {
      return httpOf(columns.http[this.position]);
    }
  }
  const routes = columns.service.map((_, position) => new UnpackedRoute(position));
  return {
    host: packed.host,
    gateway: packed.gateway,
    ...(packed.domain !== undefined ? { domain: packed.domain } : {}),
    order: packed.order.map((s) => packed.services[s]),
    routes,
    dropped: [],
    warnings: [],
  };
}
