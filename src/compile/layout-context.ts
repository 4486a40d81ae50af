import { Cluster, Environment } from '../model/project';
import { VersionProfile } from '../versions/profile';
import { Findings } from './findings';
import { HttpRouteTable } from './route-table';

/** What a layout needs to know about the (cluster, environment) it lays out. */
export interface LayoutContext {
  readonly cluster: Cluster;
  readonly environment: Environment;
  readonly profile: VersionProfile;
  readonly namespace: string;
  /** Largest serialized VirtualService. */
  readonly maxObjectBytes: number;
  /** Bytes available to the http routes of one VirtualService (maxObjectBytes minus the fixed overhead). */
  readonly budget: number;
  /** Preferred bytes of routes per root VirtualService, when the folder's object count allows (≤ budget). */
  readonly preferredBudget: number;
  /** Most objects the folder may hold, the gateway Service included. */
  readonly maxObjectsPerFolder: number;
  readonly sizeOf: (http: HttpRouteTable) => number;
  readonly findings: Findings;
  /** The environment name, appended to diagnostics found in this table. */
  readonly scope: string;
}
