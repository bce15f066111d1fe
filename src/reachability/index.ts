export * from './flow-endpoint';
export * from './network-reachability';
