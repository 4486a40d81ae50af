import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Port functions call the Java export host on. */
const JAVA_EXPORT_PORT = 80;

/**
 * Properties for `JavaExportService`.
 */
export interface JavaExportServiceProps {
  /** Name of the Service (`java-export`). */
  readonly name: string;
  /** Namespace of the Service. */
  readonly namespace: string;
}

/**
 * The stable in-mesh host functions call Java through, `java-export.kfaas-system.svc.<domain>`: a ClusterIP
 * Service without a selector (so without endpoints). It gives the name a cluster IP and an HTTP port (`http`),
 * which is all a sidecar needs to apply the mesh VirtualService of that host; a request that reached the Service
 * itself would find no endpoint and fail, never pass through.
 */
export class JavaExportService extends Construct {
  public readonly service: ApiObject;

  public constructor(scope: Construct, id: string, props: JavaExportServiceProps) {
    super(scope, id);
    this.service = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: props.name, namespace: props.namespace },
      spec: { ports: [{ name: 'http', port: JAVA_EXPORT_PORT, protocol: 'TCP' }], type: 'ClusterIP' },
    });
  }
}
