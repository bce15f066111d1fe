import { LayeredDefenseRule } from './rule';

/**
 * Findings other rules could not reach a verdict on, because a value is unknown at synth (an `Fn::ImportValue`,
 * a parameter, a reference to another stack, an unmodelled statement). The engine raises it; never a silent pass.
 */
export const CannotVerify: LayeredDefenseRule = {
  id: 'LayeredDefense-CannotVerify',
  level: 'warning',
  layer: 'model',
  summary: 'A rule cannot verify a resource because a value it needs is not known at synth (an import, a parameter, a cross-stack reference).',
  why: 'A check that cannot see a value must not pass silently: the resource may break the rule once the value is known.',
  fix: 'Use a literal (or a value from the same stack) where you can; otherwise review the named value and acknowledge this finding with the reason it is safe',
  evaluate() {
    return [];
  },
};
