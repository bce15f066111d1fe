export * from './connection-tracking-timeouts';
export * from './connection-tracking-diff';
