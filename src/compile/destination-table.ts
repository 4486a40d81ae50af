/** Where a forwarded request goes: one Knative service (or a tagged revision of it) and its share. */
export interface DestinationTable {
  readonly service: string;
  /** Knative revision tag: the authority is `<tag>-<service>...`. @default none */
  readonly tag?: string;
  /** `<service>.<namespace>.svc.<clusterDomain>`: the only authority a route may reach. */
  readonly authority: string;
  /** Integer percentage. */
  readonly weight: number;
}
