import { HttpMethod } from './match';
import { Origin } from './origin';

/**
 * What a route does to requests besides choosing the service: fault injection, CORS, header manipulation, and
 * the two actions that answer without forwarding (redirect, direct response). Each is a `spec` field that
 * `overrides.<env>` may replace whole.
 */

/** Fault injection (test environments only: the environment must set `allowFaults: true`). */
export interface FaultPolicy {
  /** Delays a share of requests by a fixed time before forwarding. */
  readonly delay?: { readonly fixedDelayMs: number; readonly percentage: number; readonly origin: Origin };
  /** Answers a share of requests with an HTTP status instead of forwarding. */
  readonly abort?: { readonly httpStatus: number; readonly percentage: number; readonly origin: Origin };
  readonly origin: Origin;
}

/** An allowed CORS origin: exact (every Istio), prefix or RE2 regex (Istio >= 1.5, `allowOrigins`). */
export interface CorsOrigin {
  readonly kind: 'exact' | 'prefix' | 'regex';
  readonly value: string;
  readonly origin: Origin;
}

/** CORS answered by the gateway (Envoy's CORS filter). */
export interface CorsPolicy {
  readonly allowOrigins: readonly CorsOrigin[];
  /** Sorted, distinct. @default none */
  readonly allowMethods?: readonly HttpMethod[];
  /** @default none */
  readonly allowHeaders?: readonly string[];
  /** @default none */
  readonly exposeHeaders?: readonly string[];
  /** Whole seconds (Istio writes Envoy's max_age in seconds). @default none */
  readonly maxAgeSeconds?: number;
  /** @default none (Envoy: false) */
  readonly allowCredentials?: boolean;
  readonly origin: Origin;
}

/** Header changes on one direction; names lowercase, maps sorted by name. */
export interface HeaderOperations {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

/** Request and response header manipulation (Istio >= 1.1 `headers`). */
export interface HeaderPolicy {
  readonly request?: HeaderOperations;
  readonly response?: HeaderOperations;
  readonly origin: Origin;
}

/** Answers with an HTTP redirect to another path, host, scheme or port. */
export interface RedirectPolicy {
  /** Replaces the whole path (query kept). */
  readonly uri?: string;
  readonly authority?: string;
  /** 3xx; Istio's default is 301. @default 301 */
  readonly code?: number;
  readonly scheme?: 'http' | 'https';
  readonly port?: number;
  readonly origin: Origin;
}

/** Answers with a fixed status and body (maintenance pages, retired paths). */
export interface DirectResponsePolicy {
  readonly status: number;
  /** At most 4 KiB (Envoy's default max_direct_response_body_size_bytes). @default no body */
  readonly body?: string;
  readonly origin: Origin;
}

/** How a route, or an Egress prefix, retries a failed request. */
export interface RetryPolicy {
  /** 0 disables retries. */
  readonly attempts: number;
  /** Whole milliseconds, >= 1. */
  readonly perTryTimeoutMs?: number;
  /** Istio retryOn values (policy names or HTTP status codes). */
  readonly retryOn?: readonly string[];
  /** Where each `retryOn` item was written (same order). @default `origin` */
  readonly retryOnOrigins?: readonly Origin[];
  /** Where `attempts` was written. @default `origin` */
  readonly attemptsOrigin?: Origin;
  readonly origin: Origin;
}
