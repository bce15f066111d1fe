export * from '../analysis/options';
export * from './layered-defense-checks';
export * from './layered-defense-nag-pack';
