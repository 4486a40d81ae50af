import { PathMatch } from './match';
import { Origin } from './origin';
import { RetryPolicy } from './route-policies';

/**
 * A `kind: Egress` document (routes/<team>/): which paths of the Java export gateway the team's functions may
 * call, with the timeout and retries of those calls. Every declared prefix of every team on a cluster goes into
 * one mesh VirtualService on `java-export.kfaas-system.svc.<domain>`; every other path there is answered 403.
 */
export interface Egress {
  /** DNS-1123 label, unique among Egress documents. */
  readonly name: string;
  /** Owning team: the folder under routes/. */
  readonly team: string;
  /** Path prefixes on the Java export gateway (kind `prefix`). */
  readonly prefixes: readonly PathMatch[];
  /** Whole milliseconds. @default none (Istio's: no timeout) */
  readonly timeoutMs?: number;
  /** @default no retries (`attempts: 0`, as for routes) */
  readonly retries?: RetryPolicy;
  /** Restricts the document to these clusters. @default every cluster with `spec.javaExport` */
  readonly clusters?: readonly string[];
  /** Where each `clusters` item was written. */
  readonly clusterOrigins?: readonly Origin[];
  readonly origin: Origin;
}
