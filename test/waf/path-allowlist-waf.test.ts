import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  ForwardedIpFallback,
  ForwardedIpPosition,
  ManagedRuleGroup,
  OriginPathStyle,
  PathAllowlistWaf,
  PathAllowlistWafProps,
  WafScope,
} from '../../src/waf';
import { check, ofRule } from '../checks/support';

const OFFICE = ['198.51.100.0/24', '2001:db8:1::/48'];
const EXAMPLE: PathAllowlistWafProps = { protectedPaths: ['/admin', '/internal/'], allowedCidrs: OFFICE };

function makeStack(region = 'eu-west-1') {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region } });
  return { app, stack };
}

function synth(props: PathAllowlistWafProps = EXAMPLE, region?: string) {
  const { stack } = makeStack(region);
  const waf = new PathAllowlistWaf(stack, 'AdminOnlyFromOffice', props);
  return { stack, waf, template: Template.fromStack(stack) };
}

function webAclRules(template: Template): any[] {
  const acls = template.findResources('AWS::WAFv2::WebACL');
  return Object.values(acls)[0].Properties.Rules;
}

describe('web ACL', () => {
  test('REGIONAL by default, default action ALLOW, metrics and sampled requests on', () => {
    // GIVEN / WHEN
    const { template } = synth();

    // THEN
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: Match.anyValue() },
    });
  });

  test('the path rule blocks a protected path unless the source is in the IPv4 or IPv6 allowlist set', () => {
    const { template } = synth();
    const transformations = (...types: string[]) => types.map((Type, Priority) => ({ Priority, Type }));
    // the protected paths after any segments an origin resolves away (`/;x`, `/.;`, `/x/..;`), then the boundary
    const regex = String.raw`^(?:/(?:[\s\S]*/)?(?:\.{0,2};[^/]*|\.\.))?(?:/admin|/internal)(?:$|[^a-z0-9_-])`;
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([{
        Name: 'PathAllowlist1',
        Priority: 1011,
        Action: { Block: {} },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: Match.stringLikeRegexp('PathAllowlist1$') },
        Statement: {
          AndStatement: {
            Statements: [
              {
                OrStatement: {
                  Statements: [
                    { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: regex, TextTransformations: transformations('URL_DECODE_UNI', 'URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE') } },
                    { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: regex, TextTransformations: transformations('URL_DECODE_UNI', 'URL_DECODE', 'LOWERCASE') } },
                  ],
                },
              },
              {
                NotStatement: {
                  Statement: {
                    OrStatement: {
                      Statements: [
                        { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Allowlist1Ipv4'), 'Arn'] } } },
                        { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Allowlist1Ipv6'), 'Arn'] } } },
                      ],
                    },
                  },
                },
              },
            ],
          },
        },
      }]),
    });
  });

  test('a Windows origin gets NORMALIZE_PATH_WIN', () => {
    const { template } = synth({ ...EXAMPLE, originPathStyle: OriginPathStyle.WINDOWS });
    expect(JSON.stringify(webAclRules(template))).toContain('NORMALIZE_PATH_WIN');
  });

  test('the example setup is estimated at 1,203 WCU', () => {
    // Path rule: OR of two regexes (3 + 4 transformations x 10 = 43, 3 + 3 x 10 = 33) and NOT(OR of two IP
    // sets, 1 + 1) = 78. Managed groups: IP reputation 25 + common 700 + known bad inputs 200 + SQL 200 = 1,125.
    const { waf } = synth();
    expect(waf.estimatedCapacity).toBe(1203);
  });

  test('CLOUDFRONT scope in us-east-1 makes CLOUDFRONT IP sets and web ACL', () => {
    const { template } = synth({ ...EXAMPLE, scope: WafScope.CLOUDFRONT }, 'us-east-1');
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    template.allResourcesProperties('AWS::WAFv2::IPSet', { Scope: 'CLOUDFRONT' });
  });

  test('CLOUDFRONT scope in a region-agnostic stack warns', () => {
    const stack = new Stack(new App(), 'Stack');
    new PathAllowlistWaf(stack, 'Waf', { ...EXAMPLE, scope: WafScope.CLOUDFRONT });
    Annotations.fromStack(stack).hasWarning('/Stack/Waf', Match.stringLikeRegexp('us-east-1'));
  });
});

describe('IP sets', () => {
  test('one set per family with canonical, merged addresses', () => {
    const { template } = synth({ protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/25', '198.51.100.128/25', '2001:DB8:1::/48', '203.0.113.9/32'] });
    template.resourceCountIs('AWS::WAFv2::IPSet', 2);
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24', '203.0.113.9/32'] });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', IPAddressVersion: 'IPV6', Addresses: ['2001:db8:1::/48'] });
  });

  test('an allowlist of one family makes one set and references it directly', () => {
    const { template } = synth({ protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] });
    template.resourceCountIs('AWS::WAFv2::IPSet', 1);
    const rule = webAclRules(template).find((r) => r.Name === 'PathAllowlist1');
    expect(rule.Statement.AndStatement.Statements[1]).toEqual({ NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/Allowlist1Ipv4/), 'Arn'] } } } } });
  });

  test('an allowlist covering half a family or more is a WafAllowlistVeryBroad finding on the web ACL; a narrower one is not', () => {
    // GIVEN allowlists whose IPv4 half, IPv6 half, or neither covers half of its family
    const broad = synth({ protectedPaths: ['/admin'], allowedCidrs: ['0.0.0.0/2', '64.0.0.0/2', '2001:db8:1::/48'] });
    const v6 = synth({ protectedPaths: ['/admin'], allowedCidrs: ['8000::/1', '198.51.100.0/24'] });
    const narrow = synth({ protectedPaths: ['/admin'], allowedCidrs: ['0.0.0.0/2', '64.0.0.0/3', '::/2'] });

    // WHEN the checks judge each stack
    const broadFindings = ofRule(check(broad.stack), 'LayeredDefense-WafAllowlistVeryBroad');
    const v6Findings = ofRule(check(v6.stack), 'LayeredDefense-WafAllowlistVeryBroad');

    // THEN the rule names the family, the share and the merged entries (the IP set holds 0.0.0.0/1); the construct warns no more
    expect(broadFindings.map((f) => f.path)).toEqual(['/Stack/AdminOnlyFromOffice/Resource']);
    expect(broadFindings[0].text).toMatch(/rule 'PathAllowlist1' exempts 50% of the IPv4 address space from its block \(IP set \w+: '0\.0\.0\.0\/1'\)/);
    expect(v6Findings.map((f) => f.text)).toEqual([expect.stringMatching(/exempts 50% of the IPv6 address space/)]);
    expect(ofRule(check(narrow.stack), 'LayeredDefense-WafAllowlistVeryBroad')).toEqual([]);
    expect(Annotations.fromStack(broad.stack).findWarning('*', Match.stringLikeRegexp('cdk-layered-defense:'))).toEqual([]);
  });

  test('more than 10,000 ranges are split across sets', () => {
    // 10,001 non-adjacent /32s (every other address), which merging cannot join
    const cidrs = Array.from({ length: 10_001 }, (_, i) => `10.0.${Math.floor(i / 128)}.${(i % 128) * 2}/32`);
    const { template } = synth({ protectedPaths: ['/admin'], allowedCidrs: cidrs });
    const sets = Object.values(template.findResources('AWS::WAFv2::IPSet')).map((r: any) => r.Properties.Addresses.length);
    expect(sets.sort((a, b) => b - a)).toEqual([10_000, 1]);
    const rule = webAclRules(template).find((r) => r.Name === 'PathAllowlist1');
    expect(rule.Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement.Statements).toHaveLength(2);
  });
});

describe('forwarded IP', () => {
  const props: PathAllowlistWafProps = { ...EXAMPLE, forwardedIp: {} };

  test('IP set references read the last X-Forwarded-For address and fail closed on a bad one', () => {
    const { template } = synth(props);
    const rule = webAclRules(template).find((r) => r.Name === 'PathAllowlist1');
    for (const ref of rule.Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement.Statements) {
      expect(ref.IPSetReferenceStatement.IPSetForwardedIPConfig).toEqual({ HeaderName: 'X-Forwarded-For', Position: 'LAST', FallbackBehavior: 'NO_MATCH' });
    }
  });

  test('a rule before the allowlist rule blocks a protected path when the header is missing', () => {
    const { template, waf } = synth(props);
    const rules = webAclRules(template);
    const missing = rules.find((r) => r.Name === 'PathAllowlist1-MissingForwardedIp');
    expect(missing.Priority).toBe(1010);
    expect(missing.Action).toEqual({ Block: {} });
    expect(missing.Statement.AndStatement.Statements[1]).toEqual({
      NotStatement: {
        Statement: {
          SizeConstraintStatement: {
            FieldToMatch: { SingleHeader: { Name: 'x-forwarded-for' } },
            ComparisonOperator: 'GT',
            Size: 0,
            TextTransformations: [{ Priority: 0, Type: 'NONE' }],
          },
        },
      },
    });
    // 1,203 + the missing-header rule: path (76) + size constraint (1)
    expect(waf.estimatedCapacity).toBe(1280);
  });

  test('header name, position and fallback are configurable; the risky choices are rule findings on the web ACL', () => {
    // GIVEN position ANY and fallback MATCH
    const { stack, template } = synth({ ...EXAMPLE, forwardedIp: { headerName: 'True-Client-IP', position: ForwardedIpPosition.ANY, fallbackBehavior: ForwardedIpFallback.MATCH } });
    expect(JSON.stringify(webAclRules(template))).toContain('{"HeaderName":"True-Client-IP","Position":"ANY","FallbackBehavior":"MATCH"}');

    // WHEN the checks judge the stack
    const findings = check(stack);

    // THEN ANY is spoofable (a warning) and MATCH lets a header without an address through the allowlist (an error)
    const spoofable = ofRule(findings, 'LayeredDefense-WafForwardedIpSpoofable');
    expect(spoofable.map((f) => [f.level, f.path])).toEqual([['warning', '/Stack/AdminOnlyFromOffice/Resource']]);
    expect(spoofable[0].text).toMatch(/rule 'PathAllowlist1' matches IP set \w+ against ANY address of True-Client-IP/);
    const failOpen = ofRule(findings, 'LayeredDefense-WafForwardedIpFailOpen');
    expect(failOpen.map((f) => [f.level, f.path])).toEqual([['error', '/Stack/AdminOnlyFromOffice/Resource']]);
    expect(failOpen[0].text).toMatch(/rule 'PathAllowlist1' blocks \/admin\S* with True-Client-IP: [0-9a-f.:]+, but the same request with True-Client-IP: unknown is allowed .*FallbackBehavior MATCH/);
    // and the construct itself adds no warning
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-layered-defense:'))).toEqual([]);
  });

  test('the defaults (LAST, NO_MATCH) give neither finding', () => {
    const { stack } = synth(props);
    const findings = check(stack);
    expect(ofRule(findings, 'LayeredDefense-WafForwardedIpSpoofable')).toEqual([]);
    expect(ofRule(findings, 'LayeredDefense-WafForwardedIpFailOpen')).toEqual([]);
  });
});

describe('logging', () => {
  test('an aws-waf-logs- group, KMS-encrypted with a rotating key, kept six years and retained', () => {
    const { template } = synth();
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'),
        RetentionInDays: 2192,
        KmsKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
        })]),
      },
    });
  });

  test('the logging configuration sends to the log group ARN without :* and redacts credentials', () => {
    const { template } = synth();
    const logGroupName = (Object.values(template.findResources('AWS::Logs::LogGroup'))[0] as any).Properties.LogGroupName;
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AdminOnlyFromOffice'), 'Arn'] },
      LogDestinationConfigs: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:eu-west-1:123456789012:log-group:${logGroupName}`]] }],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
  });

  test('retention, removal policy and redacted headers are configurable; dropping a credential header is a WafLogging finding', () => {
    const { stack, template } = synth({ ...EXAMPLE, logRetention: logs.RetentionDays.ONE_YEAR, logRemovalPolicy: RemovalPolicy.DESTROY, redactedHeaders: ['Authorization', 'x-api-key'] });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'x-api-key' } }],
    });
    const findings = ofRule(check(stack), 'LayeredDefense-WafLogging');
    expect(findings.map((f) => [f.path, f.text])).toEqual([['/Stack/AdminOnlyFromOffice/Logging', expect.stringMatching(/does not redact the cookie header/)]]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-layered-defense:'))).toEqual([]);
  });

  test('logging off: no log resources, and one WafLogging finding (not a construct warning as well)', () => {
    const { stack, template } = synth({ ...EXAMPLE, logging: false });
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    const findings = check(stack);
    expect(ofRule(findings, 'LayeredDefense-WafLogging').map((f) => [f.level, f.path])).toEqual([['error', '/Stack/AdminOnlyFromOffice/Resource']]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-layered-defense:'))).toEqual([]);
  });
});

describe('managed rule groups', () => {
  test('the defaults run after the path rule, in order, with OverrideAction None', () => {
    const { template } = synth();
    const rules = webAclRules(template).map((r) => [r.Name, r.Priority, r.OverrideAction ?? r.Action]);
    expect(rules).toEqual([
      ['PathAllowlist1', 1011, { Block: {} }],
      ['AWS-AWSManagedRulesAmazonIpReputationList', 4000, { None: {} }],
      ['AWS-AWSManagedRulesCommonRuleSet', 4010, { None: {} }],
      ['AWS-AWSManagedRulesKnownBadInputsRuleSet', 4020, { None: {} }],
      ['AWS-AWSManagedRulesSQLiRuleSet', 4030, { None: {} }],
    ]);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: Match.anyValue() },
      })]),
    });
  });

  test('the user chooses the groups, and may add one later', () => {
    const { stack, waf } = (() => {
      const s = makeStack().stack;
      const w = new PathAllowlistWaf(s, 'Waf', { ...EXAMPLE, managedRuleGroups: [ManagedRuleGroup.COMMON_RULE_SET] });
      w.addManagedRuleGroup(ManagedRuleGroup.of('AWS', 'AWSManagedRulesLinuxRuleSet', 200));
      return { stack: s, waf: w };
    })();
    const names = webAclRules(Template.fromStack(stack)).map((r) => r.Name);
    expect(names).toEqual(['PathAllowlist1', 'AWS-AWSManagedRulesCommonRuleSet', 'AWS-AWSManagedRulesLinuxRuleSet']);
    expect(waf.estimatedCapacity).toBe(78 + 700 + 200);
  });

  test('none at all with []', () => {
    const { waf, template } = synth({ ...EXAMPLE, managedRuleGroups: [] });
    expect(webAclRules(template)).toHaveLength(1);
    expect(waf.estimatedCapacity).toBe(78);
  });
});

describe('capacity', () => {
  test('above 1,500 WCU is a WafCapacityCost finding, counting groups added after construction', () => {
    const { stack } = makeStack();
    const waf = new PathAllowlistWaf(stack, 'Waf', EXAMPLE);
    expect(ofRule(check(stack), 'LayeredDefense-WafCapacityCost')).toEqual([]);

    const stack2 = makeStack().stack;
    const waf2 = new PathAllowlistWaf(stack2, 'Waf', EXAMPLE);
    waf2.addManagedRuleGroup(ManagedRuleGroup.LINUX_OPERATING_SYSTEM);
    waf2.addManagedRuleGroup(ManagedRuleGroup.WINDOWS_OPERATING_SYSTEM);
    expect(waf2.estimatedCapacity).toBe(1603);
    expect(ofRule(check(stack2), 'LayeredDefense-WafCapacityCost').map((f) => [f.path, f.text]))
      .toEqual([['/Stack/Waf/Resource', expect.stringMatching(/needs about 1603 WCU, over the 1500 the base price covers/)]]);
    expect(Annotations.fromStack(stack2).findWarning('*', Match.stringLikeRegexp('cdk-layered-defense:'))).toEqual([]);
    expect(waf.estimatedCapacity).toBe(1203);
  });

  test('above 5,000 WCU is an error naming the construct', () => {
    const { stack } = makeStack();
    const waf = new PathAllowlistWaf(stack, 'Waf', EXAMPLE);
    expect(() => waf.addManagedRuleGroup(ManagedRuleGroup.of('Acme', 'Huge', 3900))).toThrow(/Stack\/Waf.*5103 WCU.*5000/);
  });
});

describe('addProtectedPath', () => {
  test('a second path gets its own allowlist sets and the next priorities; managed groups stay last', () => {
    // GIVEN
    const { stack } = makeStack();
    const waf = new PathAllowlistWaf(stack, 'Waf', { ...EXAMPLE, forwardedIp: {} });

    // WHEN
    waf.addProtectedPath('/Reports', ['203.0.113.0/24']);

    // THEN
    const template = Template.fromStack(stack);
    expect(webAclRules(template).map((r) => [r.Name, r.Priority])).toEqual([
      ['PathAllowlist1-MissingForwardedIp', 1010],
      ['PathAllowlist1', 1011],
      ['PathAllowlist2-MissingForwardedIp', 1020],
      ['PathAllowlist2', 1021],
      ['AWS-AWSManagedRulesAmazonIpReputationList', 4000],
      ['AWS-AWSManagedRulesCommonRuleSet', 4010],
      ['AWS-AWSManagedRulesKnownBadInputsRuleSet', 4020],
      ['AWS-AWSManagedRulesSQLiRuleSet', 4030],
    ]);
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: ['203.0.113.0/24'] });
    expect(webAclRules(template)[3].Statement.AndStatement.Statements[0].OrStatement.Statements[0].RegexMatchStatement.RegexString)
      .toBe(String.raw`^(?:/(?:[\s\S]*/)?(?:\.{0,2};[^/]*|\.\.))?(?:/reports)(?:$|[^a-z0-9_-])`);
    // + missing-header rule (76 + 1) and block rule (76 + 1) of the second allowlist
    expect(waf.estimatedCapacity).toBe(1280 + 77 + 77);
  });
});

describe('associations', () => {
  function alb(stack: Stack, id = 'Alb') {
    const vpc = new ec2.Vpc(stack, `${id}Vpc`, { maxAzs: 2, natGateways: 0 });
    return new elbv2.ApplicationLoadBalancer(stack, id, { vpc, internetFacing: true });
  }

  test('associate() creates the association under the construct', () => {
    const { stack } = makeStack();
    const waf = new PathAllowlistWaf(stack, 'Waf', EXAMPLE);
    const lb = alb(stack);
    const association = waf.associate(lb);
    expect(association.node.scope).toBe(waf);
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^Alb') },
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Waf'), 'Arn'] },
    });
  });

  test('associateArn() takes API Gateway stages, AppSync, Cognito and App Runner ARNs', () => {
    const { stack } = makeStack();
    const waf = new PathAllowlistWaf(stack, 'Waf', EXAMPLE);
    waf.associateArn('Stage', 'arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/prod');
    waf.associateArn('Graphql', 'arn:aws:appsync:eu-west-1:123456789012:apis/xyz');
    waf.associateArn('Users', 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc');
    waf.associateArn('Runner', 'arn:aws:apprunner:eu-west-1:123456789012:service/web/0123');
    Template.fromStack(stack).resourceCountIs('AWS::WAFv2::WebACLAssociation', 4);
  });

  test('a CLOUDFRONT web ACL cannot be associated with a regional resource', () => {
    const { stack } = makeStack('us-east-1');
    const waf = new PathAllowlistWaf(stack, 'Waf', { ...EXAMPLE, scope: WafScope.CLOUDFRONT });
    expect(() => waf.associate(alb(stack))).toThrow(/Stack\/Waf.*CLOUDFRONT web ACL.*webAclId/);
    expect(() => waf.associateArn('Stage', 'arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod')).toThrow(/CLOUDFRONT/);
  });

  test('two path allowlist web ACLs on one resource is an error, by construct or by ARN', () => {
    const { stack } = makeStack();
    const first = new PathAllowlistWaf(stack, 'First', EXAMPLE);
    const second = new PathAllowlistWaf(stack, 'Second', EXAMPLE);
    const lb = alb(stack);
    first.associate(lb);
    expect(() => second.associate(lb)).toThrow(/Stack\/Second.*already associated.*Stack\/First/);
    expect(() => second.associateArn('ByArn', lb.loadBalancerArn)).toThrow(/already associated/);
    expect(() => first.associate(lb)).toThrow(/already associated/);

    const stage = 'arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/prod';
    first.associateArn('Stage', stage);
    expect(() => second.associateArn('Stage', stage)).toThrow(/already associated/);
    second.associate(alb(stack, 'OtherAlb'));
  });

  test.each([
    ['arn:aws:cloudfront::123456789012:distribution/E123', /CloudFront distribution/],
    ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/nlb/123', /not an Application Load Balancer/],
    ['arn:aws:apigateway:eu-west-1::/apis/abc123/stages/prod', /REST API stage/],
    ['not-an-arn', /not an ARN/],
  ])('associateArn(%s) is an error', (arn, message) => {
    const { stack } = makeStack();
    const waf = new PathAllowlistWaf(stack, 'Waf', EXAMPLE);
    expect(() => waf.associateArn('A', arn)).toThrow(message);
  });
});
