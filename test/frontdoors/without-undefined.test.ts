import * as fc from 'fast-check';
import { withoutUndefined } from '../../src/frontdoors/cdk-app-templates';

// What the aspect hands the analysis must be the template as JSON serialization writes it: L1 renderers leave
// absent optional properties as `undefined` keys, which the written template does not have.
describe('withoutUndefined', () => {
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    leaf: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
    node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('list'), tie('object')),
    list: fc.array(tie('node'), { maxLength: 4 }),
    object: fc.dictionary(fc.oneof(fc.string(), fc.constant('__proto__')), tie('node'), { maxKeys: 4 }),
  })).node;

  test('GIVEN any value WHEN cleaned THEN it equals its JSON round trip, with no undefined left in objects', () => {
    fc.assert(fc.property(value, (v) => {
      const cleaned = withoutUndefined(v);
      if (v === undefined) {
        return cleaned === undefined;
      }
      // JSON writes undefined list items as null; the renderers never put undefined in lists, and the cleaner keeps them.
      const roundTrip = JSON.parse(JSON.stringify(v, (_k, x) => (Array.isArray(x) ? x.map((i) => (i === undefined ? '<u>' : i)) : x)));
      const cleanedTrip = JSON.parse(JSON.stringify(cleaned, (_k, x) => (Array.isArray(x) ? x.map((i) => (i === undefined ? '<u>' : i)) : x)));
      expect(cleanedTrip).toEqual(roundTrip);
      expect(JSON.stringify(cleaned)).toEqual(JSON.stringify(v));
      return true;
    }), { numRuns: 500 });
  });

  test('GIVEN an undefined key deep down WHEN cleaned THEN it is gone from a copy, and keys keep their order', () => {
    const shared = { Keep: [1, 2] };
    const v = { First: 1, Statement: { ByteMatchStatement: undefined, IPSetReferenceStatement: { Arn: 'a' } }, Other: shared, Last: 'z' };
    const cleaned = withoutUndefined(v);
    expect(cleaned).toEqual({ First: 1, Statement: { IPSetReferenceStatement: { Arn: 'a' } }, Other: { Keep: [1, 2] }, Last: 'z' });
    expect(Object.keys(cleaned)).toEqual(['First', 'Statement', 'Other', 'Last']);
    expect('ByteMatchStatement' in cleaned.Statement).toBe(false);
    // The input is left as it was.
    expect('ByteMatchStatement' in v.Statement).toBe(true);
  });

  test('GIVEN a __proto__ key after an undefined one WHEN cleaned THEN it stays a key and the prototype is untouched', () => {
    const v = JSON.parse('{"A": 1, "__proto__": {"polluted": true}}');
    v.Gone = undefined;
    const cleaned = withoutUndefined({ Outer: undefined, Inner: v });
    expect(Object.keys(cleaned.Inner)).toEqual(['A', '__proto__']);
    expect(Object.getPrototypeOf(cleaned.Inner)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
