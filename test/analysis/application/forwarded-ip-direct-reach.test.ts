// LayeredDefense-WafForwardedIpDirectReach on templates, CDK-free: the forwarded-IP web ACL of
// test/fixtures/templates/waf/good/forwarded-allowlist.yaml moved in front of a load balancer, whose security groups
// admit everyone, only a proxy, or something the templates do not say.
import * as path from 'path';
import { readApp } from '../../../src/analysis/cfn';
import { CheckFinding } from '../../../src/analysis/engine';
import { judge, ofRule, sites } from '../support';

const ID = 'LayeredDefense-WafForwardedIpDirectReach';
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'waf', 'good', 'forwarded-allowlist.yaml');

const group = (ingress: unknown[]) => ({ Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'load balancer', VpcId: 'vpc-0abc', SecurityGroupIngress: ingress } });
const https = (peer: Record<string, unknown>) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...peer });

/** The fixture's web ACL associated with a load balancer of the given type and security groups. */
function behindLoadBalancer(change: (resources: any) => void = () => undefined, lb: Record<string, unknown> = {}): CheckFinding[] {
  const template = JSON.parse(JSON.stringify(readApp([FIXTURE]).stacks[0].template));
  const r = template.Resources;
  r.LbGroup = group([https({ CidrIp: '0.0.0.0/0' })]);
  r.Lb = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: ['subnet-1', 'subnet-2'], SecurityGroups: [{ 'Fn::GetAtt': ['LbGroup', 'GroupId'] }], ...lb } };
  r.AclOnStage.Properties.ResourceArn = { Ref: 'Lb' };
  change(r);
  return judge({ Stack: template });
}

function cannotVerify(findings: CheckFinding[]): string[] {
  return ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ID} cannot verify`)).map((f) => f.message);
}

describe(ID, () => {
  test('GIVEN an ALB open to 0.0.0.0/0 WHEN its web ACL allowlists by X-Forwarded-For THEN a client can skip the proxy: one warning on the load balancer', () => {
    const findings = ofRule(behindLoadBalancer(), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Lb']]);
    expect(findings[0].level).toBe('warning');
    // The missing-header guard reads the header's size, not an address in it: only the allowlist is named.
    expect(findings[0].message).toBe("web ACL Acl judges clients by a forwarded IP header (rule 'AdminOnlyFromOffice'), "
      + 'but the security groups of load balancer Lb admit 0.0.0.0/0, so a client can connect without the proxy and choose the header, for example an allowlisted address');
  });

  test('GIVEN an ALB open to both families WHEN judged THEN the message names both', () => {
    const findings = ofRule(behindLoadBalancer((r) => { r.LbGroup.Properties.SecurityGroupIngress.push(https({ CidrIpv6: '::/0' })); }), ID);
    expect(findings[0].message).toContain('admit 0.0.0.0/0 and ::/0');
  });

  test('GIVEN an ALB that admits only CloudFront\'s origin-facing prefix list WHEN judged THEN nothing is reported', () => {
    const findings = behindLoadBalancer((r) => { r.LbGroup.Properties.SecurityGroupIngress = [https({ SourcePrefixListId: 'pl-3b927c52' })]; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a network load balancer WHEN judged THEN it is not judged (no HTTP, no web ACL on it)', () => {
    expect(ofRule(behindLoadBalancer(() => undefined, { Type: 'network' }), ID)).toEqual([]);
  });

  test('GIVEN a load balancer whose type is not known WHEN judged THEN it cannot be verified', () => {
    const findings = behindLoadBalancer(() => undefined, { Type: { 'Fn::ImportValue': 'Kind' } });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify whether clients can reach the load balancer without the proxy (Type {"Fn::ImportValue":"Kind"}): the value is not known`,
    ]);
  });

  test('GIVEN an ALB whose group is outside the templates WHEN only its rules here are seen THEN it cannot be verified, naming the group', () => {
    const findings = behindLoadBalancer((r) => {
      r.Lb.Properties.SecurityGroups = ['sg-0123456789abcdef0'];
      r.Extra = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-0123456789abcdef0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' } };
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify whether clients can reach the load balancer without the proxy (security group sg-0123456789abcdef0 is not in the templates): the value is not known`,
    ]);
  });

  test('GIVEN an ALB whose group is outside the templates WHEN a standalone rule here opens it to everyone THEN it is reported', () => {
    const findings = behindLoadBalancer((r) => {
      r.Lb.Properties.SecurityGroups = ['sg-0123456789abcdef0'];
      r.Extra = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-0123456789abcdef0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' } };
    });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Lb']]);
  });

  test('GIVEN an ALB group rule whose source is not known WHEN judged THEN it cannot be verified, naming the rule\'s unknown', () => {
    const findings = behindLoadBalancer((r) => { r.LbGroup.Properties.SecurityGroupIngress = [https({ CidrIp: { 'Fn::ImportValue': 'ProxyCidr' } })]; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(new RegExp(`^${ID} cannot verify whether clients can reach the load balancer without the proxy \\(an ingress rule has .+ProxyCidr.+\\)`))]);
  });

  test('GIVEN a web ACL that reads no forwarded header WHEN its ALB is open to everyone THEN nothing is reported or unknown', () => {
    const findings = behindLoadBalancer((r) => {
      r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((rule: any) => rule.Name === 'RateLimit');
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a web ACL with a statement not known at synth and no forwarded rule WHEN its ALB is open to everyone THEN it cannot be verified', () => {
    const findings = behindLoadBalancer((r) => {
      const rate = r.Acl.Properties.Rules.find((rule: any) => rule.Name === 'RateLimit');
      rate.Statement = { 'Fn::ImportValue': 'SharedStatement' };
      r.Acl.Properties.Rules = [rate];
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(
      new RegExp(`^${ID} cannot verify whether the web ACL judges clients by a forwarded IP header, which clients of load balancer Lb \\(open to 0\\.0\\.0\\.0/0\\) could choose \\(.+SharedStatement.+\\)`))]);
  });

  test('GIVEN a web ACL whose rules are not known at synth WHEN it is associated THEN it cannot be verified', () => {
    const findings = behindLoadBalancer((r) => { r.Acl.Properties.Rules = { 'Fn::ImportValue': 'SharedRules' }; });
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(new RegExp(`^${ID} cannot verify whether the web ACL judges clients by a forwarded IP header \\(.+\\)`))]);
  });

  test.each([
    ['a load balancer ARN outside the templates', 1, 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/0123456789abcdef'],
    ['an imported value', 1, { 'Fn::ImportValue': 'WebLbArn' }],
    ['an API Gateway stage ARN outside the templates', 0, 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod'],
    ['an API Gateway stage ARN of an API named after a load balancer', 0, 'arn:aws:apigateway:us-east-1::/restapis/elasticloadbalancing/stages/prod'],
    ['an API Gateway stage ARN built with Fn::Sub around the partition and region', 0, { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/a1b2c3/stages/prod' }],
    ['a load balancer ARN built with Fn::Sub', 1, { 'Fn::Sub': 'arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:loadbalancer/app/web/0123456789abcdef' }],
  ])('GIVEN an association with %s WHEN judged THEN %i cannot-verify', (_, count, arn) => {
    const findings = behindLoadBalancer((r) => { r.AclOnStage.Properties.ResourceArn = arn; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toHaveLength(count);
    if (count > 0) {
      expect(cannotVerify(findings)[0]).toMatch(/^LayeredDefense-WafForwardedIpDirectReach cannot verify whether clients can reach the resource of web ACL Acl without the proxy that sets its forwarded IP header \(ResourceArn .+\)/);
    }
  });

  test('GIVEN an association with a REST API stage of the templates WHEN judged THEN it is not a load balancer, and not unknown', () => {
    const findings = behindLoadBalancer((r) => {
      r.Api = { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } };
      r.AclOnStage.Properties.ResourceArn = { 'Fn::Sub': 'arn:aws:apigateway:us-east-1::/restapis/${Api}/stages/prod' };
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a web ACL whose rules are not known WHEN it is associated with nothing THEN nothing: no client reaches it', () => {
    const findings = behindLoadBalancer((r) => {
      r.Acl.Properties.Rules = { 'Fn::ImportValue': 'SharedRules' };
      delete r.AclOnStage;
    });
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a statement not known at synth and no forwarded rule WHEN the ALB admits only a proxy THEN nothing: no client can choose the header', () => {
    const findings = behindLoadBalancer((r) => {
      const rate = r.Acl.Properties.Rules.find((rule: any) => rule.Name === 'RateLimit');
      rate.Statement = { 'Fn::ImportValue': 'SharedStatement' };
      r.Acl.Properties.Rules = [rate];
      r.LbGroup.Properties.SecurityGroupIngress = [https({ SourcePrefixListId: 'pl-3b927c52' })];
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN two rules that read the forwarded address WHEN the ALB is open THEN the warning names both', () => {
    const findings = behindLoadBalancer((r) => {
      r.Acl.Properties.Rules.push({
        Name: 'PartnersByForwardedIp',
        Priority: 30,
        Action: { Block: {} },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'partners' },
        Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['OfficeV4', 'Arn'] }, IPSetForwardedIPConfig: { HeaderName: 'X-Forwarded-For', Position: 'LAST', FallbackBehavior: 'NO_MATCH' } } },
      });
    });
    expect(ofRule(findings, ID).map((f) => f.message.split('), ')[0])).toEqual(["web ACL Acl judges clients by a forwarded IP header (rules 'AdminOnlyFromOffice', 'PartnersByForwardedIp'"]);
  });

  test('GIVEN an ALB whose group is outside the templates WHEN standalone rules here open an egress, or another group THEN neither opens it', () => {
    const findings = behindLoadBalancer((r) => {
      r.Lb.Properties.SecurityGroups = ['sg-0123456789abcdef0'];
      r.Out = { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: 'sg-0123456789abcdef0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' } };
      r.Other = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-0fedcba9876543210', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' } };
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify whether clients can reach the load balancer without the proxy (security group sg-0123456789abcdef0 is not in the templates): the value is not known`,
    ]);
  });

  test('GIVEN a statement not known at synth WHEN the ALB group is outside the templates THEN it cannot be verified: either may open the way', () => {
    const findings = behindLoadBalancer((r) => {
      const rate = r.Acl.Properties.Rules.find((rule: any) => rule.Name === 'RateLimit');
      rate.Statement = { 'Fn::ImportValue': 'SharedStatement' };
      r.Acl.Properties.Rules = [rate];
      r.Lb.Properties.SecurityGroups = ['sg-0123456789abcdef0', { 'Fn::GetAtt': ['LbGroup', 'GroupId'] }];
      r.LbGroup.Properties.SecurityGroupIngress = [https({ CidrIp: { 'Fn::ImportValue': 'ProxyCidr' } })];
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(new RegExp(`^${ID} cannot verify whether clients can reach the load balancer without the proxy `
      + '\\(security group sg-0123456789abcdef0 is not in the templates; an ingress rule has .*ProxyCidr.*\\): the value is not known$'))]);
  });

  test('GIVEN two statements not known at synth WHEN the ALB is open to both families THEN the "cannot verify" names both families and both values', () => {
    const findings = behindLoadBalancer((r) => {
      const rate = r.Acl.Properties.Rules.find((rule: any) => rule.Name === 'RateLimit');
      rate.Statement = { 'Fn::ImportValue': 'SharedStatement' };
      r.Acl.Properties.Rules = [rate, { ...rate, Name: 'Second', Priority: 21, Statement: { 'Fn::ImportValue': 'OtherStatement' } }];
      r.LbGroup.Properties.SecurityGroupIngress.push(https({ CidrIpv6: '::/0' }));
    });
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(new RegExp(`^${ID} cannot verify whether the web ACL judges clients by a forwarded IP header, which clients of `
      + 'load balancer Lb \\(open to 0\\.0\\.0\\.0/0 and ::/0\\) could choose \\([^;]*SharedStatement[^;]*; [^;]*OtherStatement[^;]*\\)'))]);
  });
});
