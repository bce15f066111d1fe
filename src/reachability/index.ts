export * from './exposure';
export * from './flow-endpoint';
export * from './network-reachability';
