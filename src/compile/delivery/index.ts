export * from './compile-delivery';
export * from './delivery-table';
export * from './rendered-folders';
export * from './codeowners';
