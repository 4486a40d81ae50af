/** kfaas's public API: the pipeline stages, each usable alone. */
export { loadProject } from './load/load-project';
export { compileProject } from './compile/compile-project';
export type { CompileOptions, CompileResult } from './compile/compile-project';
export type * from './compile/route-table';
export type * from './model/project';
export * from './model/defaults';
export { profileFor } from './versions/profile';
export type { VersionProfile, VirtualServiceApiVersion } from './versions/profile';
export { DiagnosticBag, UserError, formatDiagnostic, compareDiagnostics } from './diagnostics/diagnostic';
export type { Diagnostic, Severity, SourceLocation } from './diagnostics/diagnostic';
export { httpRouteJson, sizeOfHttpRoute, durationJson } from './emit/istio/http-route';
export { KsvcGatewayService } from './emit/ksvc-gateway-service';
export type { KsvcGatewayServiceProps } from './emit/ksvc-gateway-service';
export { GatewayRoutesVirtualService } from './emit/gateway-routes-virtual-service';
export type { GatewayRoutesVirtualServiceProps } from './emit/gateway-routes-virtual-service';
export {
  EnvironmentChart,
  environmentLabels,
  MANAGED_BY_LABEL,
  MANAGED_BY,
  CLUSTER_LABEL,
  ENVIRONMENT_LABEL,
} from './emit/environment-chart';
export type { EnvironmentChartProps } from './emit/environment-chart';
export { renderTables, KUSTOMIZATION_FILE, fileNameFor } from './emit/render';
export { GENERATED_HEADER } from './emit/yaml';
export { publishTree, diffTree } from './publish/publish';
export type { PublishReport, PublishOptions, TreeDiff } from './publish/publish';
export { runPipeline } from './pipeline';
export type { PipelineOptions, PipelineResult } from './pipeline';
export { main } from './cli/main';
