export * from './types';
export * from './domain-allowlist-firewall';
