import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../../../imports/gateway-api-gateway.networking.k8s.io';
import { GatewayApiTable, HttpRouteObjectTable } from '../../compile/gateway-api/table';
import { KFAAS_NAMESPACE } from '../../model/defaults';
import { firstDifference } from '../gateway-routes-virtual-service';
import { httpRouteSpecJson } from './http-route-json';

/**
 * Properties for `EnvironmentHttpRoute`.
 */
export interface EnvironmentHttpRouteProps {
  /** The compiled HTTPRoute: its name (passed as `metadata.name`, never hashed) and rules. */
  readonly route: HttpRouteObjectTable;

  /** The environment's Gateway API table (parent Gateway, backend Service). */
  readonly table: GatewayApiTable;

  /** The environment's gateway host (`spec.hostnames: [host]`). */
  readonly host: string;

  /**
   * Namespace of the HTTPRoute.
   *
   * @default KFAAS_NAMESPACE ('kfaas-system')
   */
  readonly namespace?: string;
}

/** Rule fields of the experimental channel only: the standard CRD binding in imports/ does not know them. */
const EXPERIMENTAL_RULE_FIELDS = ['retry'] as const;

/**
 * One route's HTTPRoute (`gateway.networking.k8s.io/v1`), from the typed binding `cdk8s import` generated from
 * the pinned standard-channel CRD (cdk8s.yaml). The typed converter would drop `retry` (experimental channel), so
 * the rules are attached as `httpRouteSpecJson` built them, after checking once that the binding keeps every
 * other field kfaas emits (`assertBindingKeepsRules`).
 */
export class EnvironmentHttpRoute extends Construct {
  /** The HTTPRoute name. */
  public readonly name: string;
  /** `spec` as rendered. */
  public readonly spec: Record<string, unknown>;
  /** The typed ApiObject. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: EnvironmentHttpRouteProps) {
    super(scope, id);
    this.name = props.route.name;
    this.spec = httpRouteSpecJson(props.route, props.table, props.host);
    assertBindingKeepsRules(this.spec);
    const rules = this.spec.rules;
    const apiObject = new HttpRouteWithRules(this, 'Resource', {
      metadata: { name: props.route.name, namespace: props.namespace ?? KFAAS_NAMESPACE },
      spec: { ...(this.spec as unknown as gw.HttpRouteSpec), rules: undefined },
    });
    apiObject.rules = rules as readonly Record<string, unknown>[];
    this.apiObject = apiObject;
  }
}

class HttpRouteWithRules extends gw.HttpRoute {
  public rules: readonly Record<string, unknown>[] = [];
  public override toJson(): any {
    const json = super.toJson();
    return { ...json, spec: { ...json.spec, rules: this.rules } };
  }
}

/**
 * Throws when the typed binding would drop or change a rule field kfaas emits (the API server prunes unknown
 * fields silently; we would rather fail the build). Experimental fields are left to the CRD the cluster declares.
 */
export function assertBindingKeepsRules(spec: Record<string, unknown>): void {
  const rules = (spec.rules as Record<string, unknown>[]) ?? [];
  rules.forEach((rule, i) => {
    const standard: Record<string, unknown> = { ...rule };
    for (const f of EXPERIMENTAL_RULE_FIELDS) delete standard[f];
    const diff = firstDifference(standard, gw.toJson_HttpRouteSpecRules(standard as gw.HttpRouteSpecRules), `rules[${i}]`);
    if (diff) throw new Error(`the HTTPRoute binding does not keep what kfaas emits: ${diff}`);
  });
  const envelope = { parentRefs: spec.parentRefs, hostnames: spec.hostnames };
  const diff = firstDifference(envelope, gw.toJson_HttpRouteSpec(envelope as gw.HttpRouteSpec), 'spec');
  if (diff) throw new Error(`the HTTPRoute binding does not keep what kfaas emits: ${diff}`);
}
