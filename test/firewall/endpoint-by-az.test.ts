import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { evaluate } from './intrinsics';
import { endpointIdForAz } from '../../src/firewall/private/endpoint-by-az';

/** The route expression for `az`, over the EndpointIds of a firewall whose logical id is `Firewall`. */
function routeExpression(az: string): unknown {
  const stack = new Stack();
  const firewall = new CfnResource(stack, 'Firewall', { type: 'AWS::NetworkFirewall::Firewall' });
  firewall.overrideLogicalId('Firewall');
  return stack.resolve(endpointIdForAz(Token.asList(firewall.getAtt('EndpointIds')), az));
}

function deployed(endpointIds: string[]) {
  return {
    getAtt: (id: string, attribute: string) => {
      expect([id, attribute]).toEqual(['Firewall', 'EndpointIds']);
      return endpointIds;
    },
    ref: () => { throw new Error('no Ref expected'); },
  };
}

describe('endpointIdForAz', () => {
  test('picks the endpoint of the AZ whatever the order of EndpointIds', () => {
    const azName = fc.stringMatching(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/);
    const azsInSomeOrder = fc.uniqueArray(azName, { minLength: 1, maxLength: 6 })
      .chain((azs) => fc.tuple(fc.constant(azs), fc.shuffledSubarray(azs, { minLength: azs.length, maxLength: azs.length })));
    fc.assert(fc.property(azsInSomeOrder, ([azs, order]) => {
      // GIVEN EndpointIds listed in `order`
      const values = deployed(order.map((az) => `${az}:vpce-${az}`));
      for (const az of azs) {
        // WHEN the route of `az` is resolved THEN it is the endpoint of `az`
        expect(evaluate(routeExpression(az), values)).toBe(`vpce-${az}`);
      }
    }), { numRuns: 100 });
  });

  test('an AZ name that ends or starts another (Local Zones) does not match it', () => {
    const values = deployed(['us-west-2-lax-1a:vpce-lax', 'xus-west-2a:vpce-x', 'us-west-2a:vpce-a', 'us-west-2a-b:vpce-ab']);
    expect(evaluate(routeExpression('us-west-2a'), values)).toBe('vpce-a');
  });

  test('an AZ without an endpoint fails the deployment instead of routing elsewhere', () => {
    expect(() => evaluate(routeExpression('us-west-2c'), deployed(['us-west-2a:vpce-a']))).toThrow(/out of range/);
  });
});
