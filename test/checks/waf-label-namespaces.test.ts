// A label-based block whose LabelMatchStatement names the label in full (`awswaf:<account>:webacl:<Name>:<label>`, as
// AWS's own examples do): the aspect knows the stack's account from its environment and the web ACL's Name, and judges
// the block as the CLI does; an environment-agnostic stack leaves the account unknown, and says so.
import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { annotations } from './support';
import { LayeredDefenseChecks } from '../../src/frontdoors';

const visibility = (name: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name });
const KEY = 'awswaf:111122223333:webacl:Edge:outsider';

/**
 * A web ACL whose allowlist is written in two steps: a COUNT rule labels /admin requests whose LAST X-Forwarded-For
 * address is outside the office, and a later rule blocks the label by its full name. Nothing blocks a request without
 * the header, which the COUNT rule then skips: it is never labelled, so it gets in.
 */
function app(env?: { account: string; region: string }) {
  const root = new App();
  const stack = new Stack(root, 'Edge', { env });
  const office = new wafv2.CfnIPSet(stack, 'Office', { scope: 'REGIONAL', ipAddressVersion: 'IPV4', addresses: ['198.51.100.0/24'] });
  new wafv2.CfnWebACL(stack, 'Acl', {
    name: 'Edge',
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility('acl'),
    rules: [
      {
        name: 'LabelOutsiders',
        priority: 1,
        action: { count: {} },
        ruleLabels: [{ name: 'outsider' }],
        visibilityConfig: visibility('label'),
        statement: {
          andStatement: {
            statements: [
              { byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'STARTS_WITH', searchString: '/admin', textTransformations: [{ priority: 0, type: 'NONE' }] } },
              {
                notStatement: {
                  statement: {
                    ipSetReferenceStatement: {
                      arn: office.attrArn,
                      ipSetForwardedIpConfig: { headerName: 'X-Forwarded-For', position: 'LAST', fallbackBehavior: 'NO_MATCH' },
                    },
                  },
                },
              },
            ],
          },
        },
      },
      { name: 'BlockOutsiders', priority: 2, action: { block: {} }, visibilityConfig: visibility('block'), statement: { labelMatchStatement: { scope: 'LABEL', key: KEY } } },
    ],
  });
  Aspects.of(root).add(new LayeredDefenseChecks());
  root.synth();
  return annotations(root);
}

describe('a label blocked by its full name', () => {
  test('GIVEN the stack\'s account and the web ACL\'s Name WHEN synthesized THEN the aspect finds the label lost without the header', () => {
    const messages = app({ account: '111122223333', region: 'us-east-1' });
    const failOpen = messages.filter((m) => m.ruleId === 'LayeredDefense-WafForwardedIpFailOpen');
    expect(failOpen.map((m) => m.path)).toEqual(['/Edge/Acl']);
    expect(failOpen[0].text).toContain("rule 'LabelOutsiders' (COUNT) labels /admin with X-Forwarded-For: 192.0.2.");
  });

  test('GIVEN an environment-agnostic stack WHEN synthesized THEN "cannot verify", naming the Key and the unknown account', () => {
    const messages = app();
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-WafForwardedIpFailOpen')).toEqual([]);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-CannotVerify').map((m) => m.text)).toEqual(expect.arrayContaining([
      expect.stringContaining(`Key '${KEY}' names a label in full, and the account of the web ACL that adds it is not known at synth`),
    ]));
  });
});
