/** Envoy/Istio route-selection simulator over emitted VirtualService objects (`kfaas explain`, tests). */
export * from './virtual-service';
export * from './match';
export * from './delegate';
export * from './merge-order';
export * from './merge';
export * from './explain';
export * from './route-index';
export * from './format';
export * from './sample-path';
export * from './request-match';
export * from './route-policies';
export * from './order-proof';
export * from './gateway-precedence';
export * from './gateway-api';
