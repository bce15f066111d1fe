export * from './frontdoors';
export * from './conntrack';
export * from './firewall';
export * from './ip';
export * from './nacl';
export * from './vpc';
export * from './waf';
export * from './reachability';
