// The analysis never throws on templates it can parse, and never shows a JavaScript error in a finding: real
// templates mutated at random (values replaced by intrinsics, wrong types, missing keys) give findings or
// "cannot verify", not crashes.
import * as fc from 'fast-check';
import { judge, naclEntry, networkStack, stackRef } from './support';

/** Text that means the code, not the template, went wrong. */
const JS_ERROR_TEXT = /\bundefined\b|is not a function|Cannot read propert|is not iterable|\[object \w+\]|\bNaN\b|Maximum call stack|\[native code\]|function \w*\(/;

function baseApp(): Record<string, any> {
  return {
    Network: networkStack({
      AllowAll: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0' }),
      Deny: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 50, RuleAction: 'deny', CidrBlock: '198.51.100.0/24' }),
      Out: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0', Egress: true, Protocol: 6, PortRange: { From: 1024, To: 65535 } }),
      V6: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 60, RuleAction: 'deny', Ipv6CidrBlock: '2001:db8::/32', Protocol: 58, Icmp: { Type: -1, Code: -1 } }),
      Sg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'lb',
          VpcId: { Ref: 'Vpc' },
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '::/0' }],
        },
      },
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', SecurityGroups: [{ 'Fn::GetAtt': ['Sg', 'GroupId'] }], Subnets: [{ Ref: 'Subnet' }] } },
      Http: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 80, Protocol: 'HTTP', DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }] },
      },
      Https: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', DefaultActions: [{ Type: 'fixed-response' }] },
      },
      Office: { Type: 'AWS::WAFv2::IPSet', Properties: { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24'] } },
      Bad: { Type: 'AWS::WAFv2::IPSet', Properties: { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] } },
      Acl: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: {
          Scope: 'REGIONAL',
          DefaultAction: { Allow: {} },
          VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'acl', SampledRequestsEnabled: true },
          Rules: [
            {
              Name: 'Blocked',
              Priority: 0,
              Action: { Block: {} },
              VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'blocked', SampledRequestsEnabled: true },
              Statement: {
                OrStatement: {
                  Statements: [
                    { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Bad', 'Arn'] } } },
                    { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Bad', 'Arn'] }, IPSetForwardedIPConfig: { HeaderName: 'X-Forwarded-For', Position: 'LAST', FallbackBehavior: 'NO_MATCH' } } },
                  ],
                },
              },
            },
            {
              Name: 'Admin',
              Priority: 1,
              Action: { Block: {} },
              RuleLabels: [{ Name: 'app:admin' }],
              VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'admin', SampledRequestsEnabled: true },
              Statement: {
                AndStatement: {
                  Statements: [
                    {
                      ByteMatchStatement: {
                        FieldToMatch: { UriPath: {} },
                        PositionalConstraint: 'STARTS_WITH',
                        SearchString: '/admin',
                        TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }, { Priority: 2, Type: 'LOWERCASE' }],
                      },
                    },
                    { NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Office', 'Arn'] } } } } },
                  ],
                },
              },
            },
            {
              Name: 'Api',
              Priority: 2,
              Action: { Count: {} },
              VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'api', SampledRequestsEnabled: true },
              Statement: {
                OrStatement: {
                  Statements: [
                    { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: '^/api/v[0-9]+/', TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }] } },
                    { SizeConstraintStatement: { FieldToMatch: { SingleHeader: { Name: 'x-api-key' } }, ComparisonOperator: 'GT', Size: 64, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
                    { LabelMatchStatement: { Scope: 'LABEL', Key: 'app:admin' } },
                  ],
                },
              },
            },
            {
              Name: 'Throttle',
              Priority: 3,
              Action: { Block: {} },
              VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'throttle', SampledRequestsEnabled: true },
              Statement: {
                RateBasedStatement: {
                  Limit: 100,
                  AggregateKeyType: 'CUSTOM_KEYS',
                  CustomKeys: [{ Header: { Name: 'x-api-key', TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }] } }],
                  ScopeDownStatement: { ByteMatchStatement: { FieldToMatch: { Method: {} }, PositionalConstraint: 'EXACTLY', SearchStringBase64: 'UE9TVA==', TextTransformations: [] } },
                },
              },
            },
            {
              Name: 'Common',
              Priority: 4,
              OverrideAction: { None: {} },
              VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'common', SampledRequestsEnabled: true },
              Statement: {
                ManagedRuleGroupStatement: {
                  VendorName: 'AWS',
                  Name: 'AWSManagedRulesCommonRuleSet',
                  ExcludedRules: [{ Name: 'NoUserAgent_HEADER' }],
                  RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
                  ScopeDownStatement: { GeoMatchStatement: { CountryCodes: ['US'], ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' } } },
                },
              },
            },
          ],
        },
      },
      Assoc: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'Lb' }, WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] } } },
      Logging: {
        Type: 'AWS::WAFv2::LoggingConfiguration',
        Properties: {
          ResourceArn: { 'Fn::GetAtt': ['Acl', 'Arn'] },
          LogDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-app'],
          RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
        },
      },
    }),
    App: {
      Resources: {
        Extra: naclEntry(stackRef('Network', { Ref: 'Nacl' }), { RuleNumber: 200, RuleAction: 'deny', CidrBlock: '192.0.2.0/24' }),
        FromLb: {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { GroupId: { 'Fn::ImportValue': 'app-sg' }, IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: stackRef('Network', { 'Fn::GetAtt': ['Sg', 'GroupId'] }) },
        },
        Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
        Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod' } },
      },
    },
  };
}

/** Every path to a value in the tree (object keys and list indices). */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') {
    return [prefix];
  }
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...children.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

const REPLACEMENTS: unknown[] = [
  { Ref: 'Missing' },
  { Ref: 'AWS::Region' },
  { 'Fn::If': ['Cond', 'a', { Ref: 'AWS::NoValue' }] },
  { 'Fn::ImportValue': 'nobody-exports-this' },
  { 'Fn::Sub': '${Missing.Arn}/x' },
  { 'Fn::Join': ['', ['a', { Ref: 'Vpc' }]] },
  stackRef('NoSuchStack', { Ref: 'X' }),
  stackRef('Network', { Ref: 'NoSuchResource' }),
  { 'LayeredDefense::StackRef': 42 },
  [], [1, 'two', null], {}, null, true, false, 0, -1, 70000, '', 'garbage', '10.0.0.0/33', '::/0', '0.0.0.0/0', 'tcp', 'HTTP',
  // Names of Object's methods: a table looked up with them must find nothing.
  'constructor', 'toString', '__proto__',
];

function mutate(app: Record<string, any>, path: Array<string | number>, replacement: unknown, remove: boolean): void {
  if (path.length === 0) {
    return;
  }
  let parent: any = app;
  for (const key of path.slice(0, -1)) {
    parent = parent[key];
  }
  const last = path[path.length - 1];
  if (remove && !Array.isArray(parent)) {
    delete parent[last];
  } else {
    parent[last] = structuredClone(replacement);
  }
}

export const debugExports = { baseApp, paths, mutate, REPLACEMENTS };

/** Where the web ACL's rules are: inside them the WAF statement tree reads every value. */
const isWebAclRulePath = (p: Array<string | number>) => p[0] === 'Network' && p[2] === 'Acl' && p[3] === 'Properties' && p[4] === 'Rules';

/** The reasons a finding gives when a rule threw: a defect of the rule, never of the template. */
const RULE_FAILED = /failed reading it/;

function applyMutations(targets: ReadonlyArray<Array<string | number>>, mutations: ReadonlyArray<[number, number, boolean]>): Record<string, any> {
  const app = baseApp();
  for (const [p, r, remove] of mutations) {
    try {
      mutate(app, targets[p], REPLACEMENTS[r], remove);
    } catch {
      // an earlier mutation removed this path's parent: nothing to mutate
    }
  }
  return app;
}

describe('fuzz: mutated templates', () => {
  const allPaths = paths(baseApp());
  const rulePaths = allPaths.filter(isWebAclRulePath);

  test('GIVEN the base app WHEN judged THEN it reads cleanly (the fuzz starts from a sound app)', () => {
    const findings = judge(baseApp());
    expect(findings.filter((f) => JS_ERROR_TEXT.test(f.text) || RULE_FAILED.test(f.text))).toEqual([]);
    expect(findings.map((f) => f.ruleId)).toContain('LayeredDefense-NaclDenyShadowed'); // App/Extra after the ALLOW-all
    // Every WAF reader judges the web ACL's statements: nothing about them is unknown.
    expect(findings.filter((f) => f.ruleId === 'LayeredDefense-CannotVerify' && f.resource.logicalId === 'Acl').map((f) => f.text)).toEqual([]);
    expect(rulePaths.length).toBeGreaterThan(150);
  });

  test('GIVEN up to three random mutations anywhere WHEN judged THEN no throw and no JavaScript error text in any finding', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(allPaths.length - 1), fc.nat(REPLACEMENTS.length - 1), fc.boolean()), { minLength: 1, maxLength: 3 }),
        (mutations) => {
          const findings = judge(applyMutations(allPaths, mutations));
          const bad = findings.filter((f) => JS_ERROR_TEXT.test(f.text));
          if (bad.length > 0) {
            throw new Error(`JavaScript error text in: ${bad.map((f) => f.text).join('\n')}`);
          }
        },
      ),
      { numRuns: 400, seed: 20261129 },
    );
  });

  test('GIVEN up to three mutations inside the web ACL\'s statements WHEN judged THEN every WAF rule reads them: what it cannot read is "cannot verify" on the web ACL, naming the value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(rulePaths.length - 1), fc.nat(REPLACEMENTS.length - 1), fc.boolean()), { minLength: 1, maxLength: 3 }),
        (mutations) => {
          const findings = judge(applyMutations(rulePaths, mutations));
          const bad = findings.filter((f) => JS_ERROR_TEXT.test(f.text) || RULE_FAILED.test(f.text));
          if (bad.length > 0) {
            throw new Error(`a rule failed or showed JavaScript error text: ${bad.map((f) => f.text).join('\n')}`);
          }
          // Only the web ACL changed, so only it (or the load balancer it trusts a forwarded header behind) is unknown.
          const elsewhere = findings.filter((f) => f.ruleId === 'LayeredDefense-CannotVerify' && /LayeredDefense-Waf/.test(f.text)
            && !['Network/Acl', 'Network/Lb'].includes(`${f.resource.stack.id}/${f.resource.logicalId}`));
          if (elsewhere.length > 0) {
            throw new Error(`"cannot verify" away from the web ACL: ${elsewhere.map((f) => f.text).join('\n')}`);
          }
        },
      ),
      { numRuns: 400, seed: 20261130 },
    );
  });
});
