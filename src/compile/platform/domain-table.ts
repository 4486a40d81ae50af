import { VirtualServiceTable } from '../route-table';

/**
 * One business-domain hostname an environment serves through the east-west gateway: one VirtualService (the
 * hostname's routes never overlap, see compile-domains.ts) bound to the east-west Istio Gateway, emitted into
 * the environment's folder; its Certificate and Gateway server live in the platform folder.
 */
export interface DomainTable {
  /** e.g. `showroom.example.com` or `*.shop.example.com`. */
  readonly hostname: string;
  /** `kfaas-system/kfaas-east-west`. */
  readonly gateway: string;
  /** Routes in Envoy order. */
  readonly virtualService: VirtualServiceTable;
}
