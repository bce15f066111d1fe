export * from './types';
export * from './path-allowlist-waf';
