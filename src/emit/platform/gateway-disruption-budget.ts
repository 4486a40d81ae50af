import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformProfile } from '../../versions/platform-profile';

/**
 * Properties for `GatewayDisruptionBudget`.
 */
export interface GatewayDisruptionBudgetProps {
  /** Name of the PodDisruptionBudget. */
  readonly name: string;
  /** Namespace of the PodDisruptionBudget. */
  readonly namespace: string;
  /** The gateway pods' labels; never empty. */
  readonly selector: Readonly<Record<string, string>>;
  /** Picks `policy/v1` (k8s >= 1.21) or `policy/v1beta1`. */
  readonly profile: PlatformProfile;
}

/**
 * At most one gateway pod down at a time during voluntary disruptions (drains, upgrades). `maxUnavailable: 1`
 * rather than `minAvailable: 1`: with a single replica, minAvailable would block every node drain.
 *
 * The selector is always an explicit, non-empty `matchLabels`: an empty `selector: {}` selects every pod in the
 * namespace in policy/v1 but none in policy/v1beta1 (version-facts.md D). Both versions have the same fields: a
 * plain ApiObject, checked against each version's schema in the tests.
 */
export class GatewayDisruptionBudget extends Construct {
  public constructor(scope: Construct, id: string, props: GatewayDisruptionBudgetProps) {
    super(scope, id);
    if (Object.keys(props.selector).length === 0) {
      throw new Error(`PodDisruptionBudget '${props.name}': the selector must not be empty`);
    }
    const metadata = { name: props.name, namespace: props.namespace };
    const spec = { maxUnavailable: 1, selector: { matchLabels: { ...props.selector } } };
    new ApiObject(this, 'Resource', { apiVersion: props.profile.pdbApiVersion, kind: 'PodDisruptionBudget', metadata, spec });
  }
}
