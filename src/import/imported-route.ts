import { MatchKind } from '../model/project';
import { InputObject } from './input';

/**
 * What the importer extracts from one `spec.http[i]` of a hand-written VirtualService: the Route fields, in
 * kfaas's own terms (the service named by the authority, whole milliseconds), so that the same route seen in
 * several environments or clusters can be compared and merged.
 */
/** A header test as the Route format writes it. */
export type ImportedHeaderTest =
  | { readonly exact: string }
  | { readonly prefix: string }
  | { readonly regex: string }
  | { readonly present: true }
  | { readonly absent: true };

/** A query parameter test as the Route format writes it. */
export type ImportedQueryTest = { readonly exact: string } | { readonly regex: string };

/** One match item: the path and the request conditions besides it (keys sorted, so equal items compare equal). */
export interface ImportedMatch {
  readonly kind: MatchKind;
  readonly value: string;
  readonly methods?: readonly string[];
  readonly headers?: Readonly<Record<string, ImportedHeaderTest>>;
  readonly query?: Readonly<Record<string, ImportedQueryTest>>;
}

export interface ImportedBehaviour {
  readonly service: string;
  readonly match: readonly ImportedMatch[];
  readonly rewriteUri?: string;
  readonly timeoutMs?: number;
  readonly retries?: { readonly attempts: number; readonly perTryTimeoutMs?: number; readonly retryOn?: readonly string[] };
  /** Weighted split; absent for a single destination. */
  readonly traffic?: readonly { readonly service: string; readonly weight: number }[];
}

/** One route found in the input for one (cluster, environment). */
export interface ImportedRoute {
  /** Route name (DNS-1123 label), derived from the VirtualService name (and the http entry when it has several). */
  readonly name: string;
  readonly team: string;
  readonly behaviour: ImportedBehaviour;
  /** `namespace/name` of the VirtualService it came from. */
  readonly object: string;
  readonly httpIndex: number;
  readonly input: InputObject;
}

/** Severity of something the importer could not carry over exactly. */
export type FindingKind =
  /** Cannot be expressed as a Route: the object is refused (or, with --lossy, skipped or imported without it). */
  | 'unsupported'
  /** Carried over, but the rendered object differs in a way that matters (e.g. Istio's default retries). */
  | 'changed'
  /** Carried over with no effect on routing (e.g. a match name, a short authority form). */
  | 'note';

/** One line of the import report. */
export interface ImportFinding {
  readonly kind: FindingKind;
  /** `namespace/name` of the object. */
  readonly object: string;
  readonly input: InputObject;
  /** Field path inside the object, e.g. `spec.http[0].fault`. */
  readonly field: string;
  readonly message: string;
  /** With --lossy: whether the object was skipped (true) or imported without the field (false). */
  readonly skipsObject?: boolean;
}

/** Canonical text of a behaviour (for equality and grouping). */
export function behaviourKey(b: ImportedBehaviour): string {
  return JSON.stringify([b.service, b.match, b.rewriteUri ?? null, b.timeoutMs ?? null, b.retries ?? null, b.traffic ?? null]);
}
