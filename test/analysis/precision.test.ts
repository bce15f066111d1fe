// Precision on templates shaped like what people write: each case is a false positive or a silent pass that the
// template-first analysis must not have. CDK-free: the templates are what the reader hands the model.
import { judge, naclEntry, networkStack, ofRule, sites, stacksOf, stackRef } from './support';
import { buildNetworkModel } from '../../src/analysis/model/network-model';

const ALLOW_ALL_IN = naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0' });
const ALLOW_ALL_OUT = naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0', Egress: true });

describe('NACL entries sharing a rule number', () => {
  test('only the duplicate number is reported: no shadowing or dead entry from their order in the template', () => {
    // GIVEN an ALLOW-all and a DENY that both take inbound rule number 100
    const templates = {
      Network: networkStack({
        AllowAll: ALLOW_ALL_IN,
        Deny: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'deny', CidrBlock: '198.51.100.0/24' }),
        AllowOut: ALLOW_ALL_OUT,
      }),
    };
    // WHEN
    const findings = judge(templates).filter((f) => f.ruleId.startsWith('LayeredDefense-Nacl'));
    // THEN
    expect(sites(findings)).toEqual([['LayeredDefense-NaclDuplicateRuleNumber', 'Network/Deny']]);
  });
});

describe('across stacks', () => {
  test("a DENY another stack adds to the network stack's NACL, after its ALLOW-all, is shadowed", () => {
    // GIVEN the Network stack owns the NACL; the App stack adds an entry through a cross-stack reference
    const templates = {
      Network: networkStack({ AllowAll: ALLOW_ALL_IN, AllowOut: ALLOW_ALL_OUT }),
      App: { Resources: { Deny: naclEntry(stackRef('Network', { Ref: 'Nacl' }), { RuleNumber: 200, RuleAction: 'deny', CidrBlock: '198.51.100.0/24' }) } },
    };
    // WHEN
    const findings = judge(templates);
    // THEN the finding sits on the entry, in the App stack
    expect(sites(ofRule(findings, 'LayeredDefense-NaclDenyShadowed'))).toEqual([['LayeredDefense-NaclDenyShadowed', 'App/Deny']]);
    expect(ofRule(findings, 'LayeredDefense-NaclDenyShadowed')[0].message).toMatch(/inbound IPv4 rule 200 \(DENY 198.51.100.0\/24 all traffic\) is fully shadowed by ALLOW rule 100/);
  });

  test('an entry on a NACL no template holds is "cannot verify", naming the value, never silence', () => {
    // GIVEN an entry on an imported NACL nobody exports
    const templates = {
      App: { Resources: { Deny: naclEntry({ 'Fn::ImportValue': 'shared-nacl' }, { RuleNumber: 200, RuleAction: 'deny', CidrBlock: '198.51.100.0/24' }) } },
    };
    // WHEN
    const cannot = ofRule(judge(templates), 'LayeredDefense-CannotVerify');
    // THEN
    expect(sites(cannot)).toEqual([['LayeredDefense-CannotVerify', 'App/Deny']]);
    expect(cannot[0].message).toMatch(/shared-nacl/);
  });

  test('a web ACL associated from a third stack protects the load balancer: no PublicEndpointWithoutWaf', () => {
    // GIVEN the load balancer in App, the web ACL in Edge, the association in Glue
    const templates = {
      App: { Resources: { Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing' } } } },
      Edge: { Resources: { Acl: webAcl() } },
      Glue: {
        Resources: {
          Assoc: {
            Type: 'AWS::WAFv2::WebACLAssociation',
            Properties: { ResourceArn: stackRef('App', { Ref: 'Lb' }), WebACLArn: stackRef('Edge', { 'Fn::GetAtt': ['Acl', 'Arn'] }) },
          },
        },
      },
    };
    // WHEN
    const findings = judge(templates);
    // THEN
    expect(ofRule(findings, 'LayeredDefense-PublicEndpointWithoutWaf')).toEqual([]);
    expect(ofRule(findings, 'LayeredDefense-WafUnassociated')).toEqual([]);
  });
});

describe('API Gateway', () => {
  test('an association whose ResourceArn is built with Fn::Sub is recognised', () => {
    // GIVEN the usual way to write a stage ARN
    const templates = {
      Api: {
        Resources: {
          Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'portal' } },
          Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod' } },
          Acl: webAcl(),
          Assoc: {
            Type: 'AWS::WAFv2::WebACLAssociation',
            Properties: {
              WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] },
              ResourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}' },
            },
          },
        },
      },
    };
    // THEN
    expect(ofRule(judge(templates), 'LayeredDefense-PublicEndpointWithoutWaf')).toEqual([]);
  });

  test('a stage created by a deployment (StageName) is modelled: without a web ACL it is reported', () => {
    // GIVEN a public REST API whose stage comes from its deployment
    const templates = {
      Api: {
        Resources: {
          Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'portal' } },
          Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod' } },
        },
      },
    };
    // THEN
    expect(sites(ofRule(judge(templates), 'LayeredDefense-PublicEndpointWithoutWaf'))).toEqual([['LayeredDefense-PublicEndpointWithoutWaf', 'Api/Deployment']]);
  });
});

describe('security groups', () => {
  test('a rule that names more than one source is judged on every source', () => {
    // GIVEN an ingress rule with a private IPv4 source and an open IPv6 one
    const templates = {
      App: {
        Resources: {
          Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'app' } },
          Ssh: {
            Type: 'AWS::EC2::SecurityGroupIngress',
            Properties: { GroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '10.0.0.0/8', CidrIpv6: '::/0' },
          },
        },
      },
    };
    // THEN
    const open = ofRule(judge(templates), 'LayeredDefense-SgOpenIngress');
    expect(open.map((f) => f.message)).toEqual([expect.stringMatching(/every IPv6 address \(::\/0\) is allowed on tcp 22/)]);
  });

  test('a rule whose source is another group is never open to everyone, whatever its port: no "cannot verify"', () => {
    // GIVEN the RDS idiom: the database group admits the app group on a port that is a parameter
    const templates = {
      Data: {
        Parameters: { DbPort: { Type: 'Number' } },
        Resources: {
          DbSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'db' } },
          AppSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'app' } },
          FromApp: {
            Type: 'AWS::EC2::SecurityGroupIngress',
            Properties: {
              GroupId: { 'Fn::GetAtt': ['DbSg', 'GroupId'] },
              IpProtocol: 'tcp',
              FromPort: { Ref: 'DbPort' },
              ToPort: { Ref: 'DbPort' },
              SourceSecurityGroupId: { 'Fn::GetAtt': ['AppSg', 'GroupId'] },
            },
          },
        },
      },
    };
    // THEN
    expect(judge(templates).filter((f) => /SgOpenIngress/.test(f.text))).toEqual([]);
  });
});

/** An app of one security group (and a parameter `Proto` without a default) with the given ingress rules. */
function groupWithIngress(ingress: unknown[]): Record<string, unknown> {
  return {
    App: {
      Parameters: { Proto: { Type: 'String' } },
      Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'web', SecurityGroupIngress: ingress } } },
    },
  };
}

describe('invalid values are invalid, not unknown and not "allows nothing"', () => {
  test.each([
    ['udp without a PortRange', { Protocol: 17 }, /Protocol 17 \(udp\) needs a PortRange/],
    ['an inverted port range', { Protocol: 6, PortRange: { From: 443, To: 80 } }, /PortRange 443-80 is inverted \(From > To\)/],
  ])('a NACL entry with %s', (_name, props, message) => {
    // GIVEN
    const templates = {
      Network: networkStack({
        AllowAll: ALLOW_ALL_IN,
        AllowOut: ALLOW_ALL_OUT,
        Bad: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 50, RuleAction: 'deny', CidrBlock: '198.51.100.0/24', ...props }),
      }),
    };
    // WHEN
    const findings = judge(templates);
    // THEN one InvalidValue error on the entry, and no "cannot verify" or dead-entry verdict on it
    expect(sites(ofRule(findings, 'LayeredDefense-InvalidValue'))).toEqual([['LayeredDefense-InvalidValue', 'Network/Bad']]);
    expect(ofRule(findings, 'LayeredDefense-InvalidValue')[0].message).toMatch(message);
    expect(findings.filter((f) => f.resource.logicalId === 'Bad' && f.ruleId !== 'LayeredDefense-InvalidValue')).toEqual([]);
  });

  test.each([
    ['a protocol name EC2 does not know', { IpProtocol: 'bogus', CidrIp: '0.0.0.0/0' }, /IpProtocol 'bogus' is not a protocol \(tcp, udp, icmp, icmpv6/],
    // An object's own method names are no protocol either (they once read as "protocol function Object()").
    ['a protocol named like an object method', { IpProtocol: 'constructor', CidrIp: '0.0.0.0/0' }, /IpProtocol 'constructor' is not a protocol/],
    ['a protocol number above 255', { IpProtocol: 300, CidrIp: '10.0.0.0/8' }, /IpProtocol 300 is not a protocol number \(-1 for all, 0-255\)/],
    ['an inverted port range', { IpProtocol: 'tcp', FromPort: 443, ToPort: 80, CidrIp: '10.0.0.0/8' }, /FromPort\/ToPort 443\/80 of a tcp rule: FromPort is above ToPort/],
    ['a port above 65535', { IpProtocol: 'udp', FromPort: 53, ToPort: 70000, CidrIp: '10.0.0.0/8' }, /FromPort\/ToPort 53\/70000 of a udp rule: a port is outside 0-65535/],
    // -1 means every type or code for ICMP only; EC2 answers "TCP/UDP (from) port (-1) out of range".
    ['every port written -1 on tcp', { IpProtocol: 'tcp', FromPort: -1, ToPort: -1, CidrIp: '0.0.0.0/0' }, /FromPort\/ToPort -1\/-1 of a tcp rule: a port is outside 0-65535 \(-1, every type or code, is for ICMP only\)/],
    ['a port range ending at -1', { IpProtocol: 'udp', FromPort: 53, ToPort: -1, CidrIp: '10.0.0.0/8' }, /FromPort\/ToPort 53\/-1 of a udp rule: a port is outside 0-65535/],
    ['tcp without ports', { IpProtocol: 'tcp', CidrIp: '0.0.0.0/0' }, /a tcp rule needs FromPort and ToPort \(FromPort\/ToPort \(not set\)\/\(not set\)\)/],
    // "For tcp, udp, and icmp, you must specify a port range"; "If you specify all ICMP types, you must specify all codes".
    ['icmp without a type and code', { IpProtocol: 'icmp', CidrIp: '10.0.0.0/8' }, /an icmp rule needs FromPort \(the type\) and ToPort \(the code\), -1 for all/],
    ['all icmp types with one code', { IpProtocol: 'icmp', FromPort: -1, ToPort: 5, CidrIp: '10.0.0.0/8' }, /FromPort\/ToPort -1\/5 of an icmp rule: all types \(-1\) take all codes \(-1\)/],
    ['an icmpv6 type above 255', { IpProtocol: 'icmpv6', FromPort: 300, ToPort: 0, CidrIpv6: '2001:db8::/32' }, /FromPort\/ToPort 300\/0 of an icmpv6 rule: an ICMP type or code is outside -1-255/],
  ])('a security group rule with %s', (_name, rule, message) => {
    // GIVEN an inline rule and the same rule as a standalone resource
    const templates = {
      App: {
        Resources: {
          Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'web', SecurityGroupIngress: [rule] } },
          In: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, ...rule } },
        },
      },
    };
    // WHEN
    const findings = judge(templates);
    // THEN an InvalidValue error on each; the rule EC2 refuses never exists, so no other rule judges it (it is not
    // "open to the internet", and no "cannot verify" calls the literal unknown)
    expect(sites(ofRule(findings, 'LayeredDefense-InvalidValue'))).toEqual([['LayeredDefense-InvalidValue', 'App/Sg'], ['LayeredDefense-InvalidValue', 'App/In']]);
    expect(findings.filter((f) => f.ruleId !== 'LayeredDefense-InvalidValue')).toEqual([]);
    const [inline, standalone] = ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => f.message);
    expect(inline).toMatch(/^SecurityGroupIngress\[0\] /);
    expect(inline).toMatch(message);
    expect(standalone).toMatch(message);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify')).toEqual([]);
    expect(findings.map((f) => f.message).join('\n')).not.toMatch(/function|native code/);
  });

  test('an invalid rule does not hide the "cannot verify" of another rule of its group', () => {
    // GIVEN an empty protocol (invalid) and a protocol from a parameter without a default (unknown), both tcp 22 from anywhere
    const findings = judge(groupWithIngress([
      { IpProtocol: '', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' },
      { IpProtocol: { Ref: 'Proto' }, FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' },
    ]));
    // THEN the first is InvalidValue and the second, which may be SSH open to everyone, is still "cannot verify"
    expect(ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => f.message)).toEqual([expect.stringMatching(/^SecurityGroupIngress\[0\] IpProtocol '' is not a protocol/)]);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify').map((f) => f.message)).toEqual([expect.stringMatching(/SgOpenIngress cannot verify an ingress rule \(IpProtocol \{"Ref":"Proto"\}/)]);
  });

  test('a security group rule whose values are not known at synth, ICMP with -1 (every type or code), or ICMPv6 without either, is not invalid', () => {
    const templates = groupWithIngress([
      { IpProtocol: { Ref: 'Proto' }, CidrIp: '10.0.0.0/8' },
      { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, CidrIp: '10.0.0.0/8' },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, CidrIp: '10.0.0.0/8' },
      { IpProtocol: 'icmpv6', FromPort: -1, ToPort: -1, CidrIpv6: '2001:db8::/32' },
      { IpProtocol: 'icmpv6', CidrIpv6: '2001:db8::/32' },
      { IpProtocol: 'tcp', FromPort: { Ref: 'Proto' }, ToPort: 443, CidrIp: '10.0.0.0/8' },
      { IpProtocol: 'TCP', FromPort: 0, ToPort: 65535, CidrIp: '10.0.0.0/8' },
      { IpProtocol: '47', CidrIp: '10.0.0.0/8' },
    ]);
    expect(ofRule(judge(templates), 'LayeredDefense-InvalidValue')).toEqual([]);
    // and every rule stays in the model for the other rules to judge (an invalid one would be left out)
    expect(buildNetworkModel(stacksOf(templates)).securityGroups[0].ingress).toHaveLength(8);
  });

  test('a TLS policy name that does not exist', () => {
    const templates = {
      App: {
        Resources: {
          Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal' } },
          Https: {
            Type: 'AWS::ElasticLoadBalancingV2::Listener',
            Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 443, Protocol: 'HTTPS', SslPolicy: 'TLS-1-2-please', DefaultActions: [{ Type: 'fixed-response' }] },
          },
        },
      },
    };
    const findings = judge(templates);
    expect(sites(ofRule(findings, 'LayeredDefense-InvalidValue'))).toEqual([['LayeredDefense-InvalidValue', 'App/Https']]);
    expect(ofRule(findings, 'LayeredDefense-InvalidValue')[0].message).toMatch(/SslPolicy 'TLS-1-2-please' is not an Elastic Load Balancing security policy/);
    expect(ofRule(findings, 'LayeredDefense-TlsPolicyOutdated')).toEqual([]);
  });
});

test('a listener default action behind Fn::If is "cannot verify", not "does not redirect"', () => {
  // GIVEN
  const templates = {
    App: {
      Conditions: { Prod: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      Parameters: { Env: { Type: 'String' } },
      Resources: {
        Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal' } },
        Http: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: {
            LoadBalancerArn: { Ref: 'Lb' },
            Port: 80,
            Protocol: 'HTTP',
            DefaultActions: { 'Fn::If': ['Prod', [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }], [{ Type: 'fixed-response' }]] },
          },
        },
      },
    },
  };
  // WHEN
  const findings = judge(templates);
  // THEN
  expect(ofRule(findings, 'LayeredDefense-HttpNotRedirected')).toEqual([]);
  expect(ofRule(findings, 'LayeredDefense-CannotVerify').map((f) => f.message)).toEqual([expect.stringMatching(/HttpNotRedirected cannot verify the listener's default actions .*Fn::If/)]);
});

function webAcl(): Record<string, unknown> {
  return {
    Type: 'AWS::WAFv2::WebACL',
    Properties: {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [],
      VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'acl', SampledRequestsEnabled: true },
    },
  };
}

describe('mistakes CloudFormation would reject are findings, never a resource no rule sees', () => {
  test('a misspelt resource type is InvalidValue, with the type it was meant to be', () => {
    // GIVEN a standalone ingress rule whose type lost a letter: no rule would ever judge it
    const templates = {
      App: {
        Resources: {
          Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'app' } },
          Ssh: { Type: 'AWS::EC2::SecurityGroupIngres', Properties: { GroupId: { Ref: 'Sg' }, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' } },
          Bucket: { Type: 'AWS::S3::Bucket' },
        },
      },
    };
    // THEN
    const invalid = ofRule(judge(templates), 'LayeredDefense-InvalidValue');
    expect(sites(invalid)).toEqual([['LayeredDefense-InvalidValue', 'App/Ssh']]);
    expect(invalid[0].message).toMatch(/Type AWS::EC2::SecurityGroupIngres is not a resource type; did you mean AWS::EC2::SecurityGroupIngress\?/);
  });

  test('a dangling Ref, GetAtt or Sub placeholder is InvalidValue; a declared parameter or pseudo parameter is not', () => {
    const templates = {
      Net: {
        Parameters: { VpcCidr: { Type: 'String', Default: '10.0.0.0/16' } },
        Resources: {
          Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { Ref: 'VpcCidr' } } },
          Sg: {
            Type: 'AWS::EC2::SecurityGroup',
            Properties: {
              // ${constructor} is an Object method's name, not a variable of the (empty) map: it names nothing either.
              GroupDescription: { 'Fn::Sub': ['${AWS::StackName} app in ${Vpc} of ${Vpcc} by ${constructor}', {}] },
              VpcId: { Ref: 'Vcp' },
              SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': ['LbSg', 'GroupId'] } }],
            },
          },
        },
      },
    };
    const invalid = ofRule(judge(templates), 'LayeredDefense-InvalidValue').map((f) => f.message).sort();
    expect(invalid).toEqual([
      expect.stringMatching(/^Fn::GetAtt LbSg names no resource/),
      expect.stringMatching(/^Fn::Sub \$\{Vpcc\} names no resource/),
      expect.stringMatching(/^Fn::Sub \$\{constructor\} names no resource/),
      expect.stringMatching(/^Ref Vcp names no resource/),
    ]);
  });

  test('a security group whose rule list is not a list, or without GroupDescription, is InvalidValue; a list behind an undecided Fn::If is cannot verify', () => {
    // GIVEN one group with an object where the list belongs and no description, and one whose rules are a condition
    const templates = {
      App: {
        Parameters: { Open: { Type: 'String' } },
        Conditions: { IsOpen: { 'Fn::Equals': [{ Ref: 'Open' }, 'yes'] } },
        Resources: {
          Flat: { Type: 'AWS::EC2::SecurityGroup', Properties: { SecurityGroupIngress: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' } } },
          Maybe: {
            Type: 'AWS::EC2::SecurityGroup',
            Properties: {
              GroupDescription: 'maybe open',
              SecurityGroupIngress: { 'Fn::If': ['IsOpen', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }], []] },
            },
          },
        },
      },
    };
    // WHEN judged
    const findings = judge(templates);
    // THEN the flat one is invalid twice over, on the group; the conditional one is not silent
    const invalid = ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => `${f.resource.logicalId}: ${f.message}`).sort();
    expect(invalid).toEqual([
      expect.stringMatching(/^Flat: .*GroupDescription is required on AWS::EC2::SecurityGroup/),
      expect.stringMatching(/^Flat: .*SecurityGroupIngress is .*, not a list of rules: CloudFormation rejects the template/),
    ]);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify').map((f) => f.resource.logicalId)).toContain('Maybe');
  });

  test('a Properties that is no object is one InvalidValue on the resource, and no rule judges the resource further', () => {
    // GIVEN a web ACL, a security group and a NACL whose Properties is a string, a list and a number; an entry on the
    // NACL, and an acknowledgement without a reason on the web ACL (what is wrong with its metadata still counts)
    const templates = {
      App: {
        Resources: {
          Acl: { Type: 'AWS::WAFv2::WebACL', Properties: 'nope', Metadata: { 'cdk-layered-defense': { acknowledge: [{ id: 'LayeredDefense-WafLogging' }] } } },
          Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: [{ GroupDescription: 'a list where the object belongs' }] },
          Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: 5 },
          Entry: { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'Nacl' }, RuleNumber: 100, Protocol: -1, RuleAction: 'allow', CidrBlock: '0.0.0.0/0' } },
        },
      },
    };
    // WHEN
    const findings = judge(templates);
    // THEN: each malformed resource has exactly its Properties finding (not "DefaultAction not set", "GroupDescription
    // is required", "no logging configuration" or "associated with no subnet", which come from reading it as empty)
    const on = (id: string) => findings.filter((f) => f.resource.logicalId === id).map((f) => `${f.ruleId}: ${f.message}`);
    expect(on('Acl')).toEqual([
      expect.stringMatching(/^LayeredDefense-InvalidValue: Metadata.cdk-layered-defense.acknowledge\[0\] acknowledges LayeredDefense-WafLogging without a reason/),
      'LayeredDefense-InvalidValue: Properties is nope, not an object: CloudFormation rejects the template',
    ]);
    expect(on('Sg')).toEqual(['LayeredDefense-InvalidValue: Properties is [{"GroupDescription":"a list where the object belongs"}], not an object: CloudFormation rejects the template']);
    expect(on('Nacl')).toEqual(['LayeredDefense-InvalidValue: Properties is 5, not an object: CloudFormation rejects the template']);
    // AND the entry on the malformed NACL is still an entry of it: no "not a NACL of the templates"
    expect(on('Entry').filter((f) => /not a NACL of the templates/.test(f))).toEqual([]);
  });
});
