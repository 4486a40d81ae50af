import { Egress } from '../model/egress';
import { Cluster, Delivery, Route, Team } from '../model/project';
import { buildCluster, checkClusters } from './build-cluster';
import { Built } from './built';
import { buildDelivery, checkDeliveries } from './build-delivery';
import { buildEgress, checkEgresses } from './build-egress';
import { buildRoute, checkRoutes } from './build-route';
import { buildTeam, checkTeams } from './build-team';
import { suggestion } from './did-you-mean';
import { DocumentContext } from './document-context';
import { Area } from './read-tree';
import { describeValue, has, Mapping, quote } from './values';

/** The Project being assembled; each kind adds its documents to its own list. */
export interface ProjectDraft {
  readonly clusters: Cluster[];
  readonly teams: Team[];
  readonly routes: Route[];
  readonly deliveries: Delivery[];
  readonly egresses: Egress[];
}

/**
 * One kind of kfaas document. Adding a kind (say `Egress`) is one entry here plus its schema definition,
 * builder and model field; the loader itself does not change.
 */
export interface DocumentKind<T> {
  readonly apiVersion: string;
  readonly kind: string;
  /** The folder its documents live in. */
  readonly area: Area;
  /** Where to put it, for the message when it is elsewhere, e.g. `routes/<team>/`. */
  readonly home: string;
  /** Its definition in schema/kfaas.schema.json. */
  readonly definition: string;
  /** When set, a project without any document of this kind is an error with this message. */
  readonly required?: string;
  /** Semantic checks and the model value; must not throw on any input the schema rejected. */
  build(ctx: DocumentContext, doc: Mapping): T;
  /** Checks across all documents of this kind (duplicate names, claims); reports through each `ctx`. */
  checkAll?(docs: readonly Built<T>[]): void;
  /** Adds a document without errors to the project. */
  add(project: ProjectDraft, value: T): void;
}

function defineKind<T>(kind: DocumentKind<T>): DocumentKind<unknown> {
  return kind as unknown as DocumentKind<unknown>;
}

export const DOCUMENT_KINDS: readonly DocumentKind<unknown>[] = [
  defineKind<Cluster>({
    apiVersion: 'kfaas/v1',
    kind: 'Cluster',
    area: 'clusters',
    home: 'clusters/',
    definition: 'Cluster',
    required: 'expected at least one Cluster document in clusters/, e.g. clusters/<name>.yaml with kind: Cluster',
    build: buildCluster,
    checkAll: checkClusters,
    add: (project, value) => project.clusters.push(value),
  }),
  defineKind<Delivery>({
    apiVersion: 'kfaas/v1',
    kind: 'Delivery',
    area: 'clusters',
    home: 'clusters/ (e.g. clusters/delivery.yaml)',
    definition: 'Delivery',
    build: buildDelivery,
    checkAll: checkDeliveries,
    add: (project, value) => project.deliveries.push(value),
  }),
  defineKind<Route>({
    apiVersion: 'kfaas/v1',
    kind: 'Route',
    area: 'routes',
    home: 'routes/<team>/',
    definition: 'Route',
    build: buildRoute,
    checkAll: checkRoutes,
    add: (project, value) => project.routes.push(value),
  }),
  defineKind<Team>({
    apiVersion: 'kfaas/v1',
    kind: 'Team',
    area: 'routes',
    home: 'routes/<team>/',
    definition: 'Team',
    build: buildTeam,
    checkAll: checkTeams,
    add: (project, value) => project.teams.push(value),
  }),
  defineKind<Egress>({
    apiVersion: 'kfaas/v1',
    kind: 'Egress',
    area: 'routes',
    home: 'routes/<team>/',
    definition: 'Egress',
    build: buildEgress,
    checkAll: checkEgresses,
    add: (project, value) => project.egresses.push(value),
  }),
];

/**
 * Finds the kind of a document from `apiVersion` and `kind`, and checks it sits in the right folder. Reports
 * one clear diagnostic per problem (instead of a pile of schema errors) and returns undefined then.
 */
export function resolveKind(ctx: DocumentContext, doc: Mapping, kinds: readonly DocumentKind<unknown>[] = DOCUMENT_KINDS): DocumentKind<unknown> | undefined {
  const apiVersions = [...new Set(kinds.map((k) => k.apiVersion))].sort();
  const apiVersion = doc.apiVersion;
  const kind = doc.kind;
  let ok = true;
  if (!has(doc, 'apiVersion')) {
    ctx.error('missing-field', [], `missing required field "apiVersion" (expected ${apiVersions.join(' or ')})`);
    ok = false;
  } else if (typeof apiVersion !== 'string') {
    ctx.error('unknown-api-version', ['apiVersion'], `expected ${apiVersions.join(' or ')}, got ${describeValue(apiVersion)}`);
    ok = false;
  } else if (!apiVersions.includes(apiVersion)) {
    ctx.error('unknown-api-version', ['apiVersion'], `unknown apiVersion ${quote(apiVersion)} (known: ${apiVersions.join(', ')})${suggestion(apiVersion, apiVersions)}`);
    ok = false;
  }
  const inVersion = kinds.filter((k) => !ok || k.apiVersion === apiVersion);
  const kindNames = [...new Set(inVersion.map((k) => k.kind))].sort();
  if (!has(doc, 'kind')) {
    ctx.error('missing-field', [], `missing required field "kind" (one of ${kindNames.join(', ')})`);
    return undefined;
  }
  if (typeof kind !== 'string') {
    ctx.error('unknown-kind', ['kind'], `expected a kind (one of ${kindNames.join(', ')}), got ${describeValue(kind)}`);
    return undefined;
  }
  if (!kindNames.includes(kind)) {
    const elsewhere = kinds.find((k) => k.kind === kind);
    const where = elsewhere ? `; kind ${kind} is part of ${elsewhere.apiVersion}` : '';
    ctx.error('unknown-kind', ['kind'], `unknown kind ${quote(kind)} (known kinds: ${kindNames.join(', ')})${suggestion(kind, kindNames)}${where}`);
    return undefined;
  }
  if (!ok) return undefined;
  const found = inVersion.find((k) => k.kind === kind)!;
  if (found.area !== ctx.file.area) {
    ctx.error('misplaced-document', ['kind'], `a ${kind} document belongs in ${found.home}, not in ${ctx.file.area}/; move it there`);
    return undefined;
  }
  return found;
}
