export * from './ip-blocklist-nacl';
export * from './blocklist-feed';
