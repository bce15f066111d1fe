export * from './connection-tracking-timeouts';
