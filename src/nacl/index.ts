export * from './ip-blocklist-nacl';
