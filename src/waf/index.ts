export * from './types';
export * from './path-allowlist-waf';
export * from './rules';
