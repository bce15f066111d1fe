// The rules only paths can see, on CDK-free template fixtures (test/fixtures/templates/paths and the three-tier app of
// the reachability scenarios). Every expected finding is worked out by hand from the fixture: routes, NACLs (EC2's
// default NACL allows everything), security groups and public addresses.
import * as fs from 'fs';
import * as path from 'path';
import { analyzePaths } from '../../../src/analysis/analyze';
import { CheckFinding } from '../../../src/analysis/engine';
import { judge, ofRule } from '../support';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates');
const INTERNET = 'LayeredDefense-DataStoreInternetReachable';
const OUTSIDE = 'LayeredDefense-DataStoreReachedOutsideGroups';
const BYPASS = 'LayeredDefense-WafOriginBypass';
const CANNOT = 'LayeredDefense-CannotVerify';

function fixture(name: string, change: (resources: any) => void = () => {}): any {
  const template = JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
  change(template.Resources);
  return template;
}

/** The findings of the path rules, and the "cannot verify" findings they raised, as `rule logicalId`. */
function pathFindings(template: any): string[] {
  const findings = judge({ App: template });
  return findings.filter((f) => [INTERNET, OUTSIDE, BYPASS].includes(f.ruleId) || (f.ruleId === CANNOT && /(DataStore|WafOriginBypass)/.test(f.message)))
    .map((f) => `${f.ruleId.replace('LayeredDefense-', '')} ${f.resource.logicalId}`).sort();
}

function messageOf(findings: CheckFinding[], ruleId: string): string {
  const found = ofRule(findings, ruleId);
  expect(found).toHaveLength(1);
  return found[0].message;
}

describe('LayeredDefense-DataStoreInternetReachable', () => {
  test('fires on a publicly accessible database in a public subnet whose group admits 0.0.0.0/0 on 5432, naming the port and the rule', () => {
    // GIVEN: PubliclyAccessible, a subnet routing 0.0.0.0/0 to the attached IGW, the default NACL, ingress tcp 5432 from anywhere
    const findings = judge({ App: fixture('paths/public-database.json') });
    // THEN: reachable on tcp 5432 alone (no other port or protocol is admitted)
    expect(messageOf(findings, INTERNET)).toBe('data store App/Database (an RDS DB instance) is reachable from the internet on tcp 5432 '
      + '(admitted by App/DbGroup "ingress tcp 5432 from 0.0.0.0/0")');
  });

  test('does not fire when the database has no public address, whatever its group admits', () => {
    const template = fixture('paths/public-database.json', (r) => {
      r.Database.Properties.PubliclyAccessible = false;
    });
    expect(pathFindings(template)).toEqual([]);
  });

  test('a CIDR unknown at synth on a public database is "cannot verify", naming the value', () => {
    const template = fixture('paths/public-database.json', (r) => {
      r.DbGroup.Properties.SecurityGroupIngress[0].CidrIp = { 'Fn::ImportValue': 'AdminCidr' };
    });
    const findings = judge({ App: template });
    expect(ofRule(findings, INTERNET)).toEqual([]);
    const cannot = ofRule(findings, CANNOT).filter((f) => f.message.includes(INTERNET));
    expect(cannot.map((f) => f.resource.logicalId)).toEqual(['Database']);
    expect(cannot[0].message).toMatch(/whether the internet can reach data store App\/Database on tcp 5432 \(.*AdminCidr/);
    // A value settled at deploy time: CannotVerify's own fix
    expect(cannot[0].fix).toMatch(/^Use a literal/);
  });

  test('the same unknown CIDR is no "cannot verify" when the database has no public address: it cannot change the verdict', () => {
    const template = fixture('paths/public-database.json', (r) => {
      r.DbGroup.Properties.SecurityGroupIngress[0].CidrIp = { 'Fn::ImportValue': 'AdminCidr' };
      r.Database.Properties.PubliclyAccessible = false;
    });
    expect(pathFindings(template)).toEqual([]);
  });

  test('a workload tagged cdk-layered-defense:data-classification=e-PHI is a data store too', () => {
    // GIVEN: an instance in the public subnet (MapPublicIpOnLaunch) whose group admits the internet on 443
    const tagged = fixture('paths/data-tier.json', (r) => {
      r.WebServer.Properties.Tags = [{ Key: 'cdk-layered-defense:data-classification', Value: 'e-phi' }];
    });
    expect(messageOf(judge({ App: tagged }), INTERNET)).toBe('data store App/WebServer (tagged cdk-layered-defense:data-classification=e-PHI) is reachable '
      + 'from the internet on tcp 443 (admitted by App/WebGroup "ingress tcp 443 from 0.0.0.0/0")');
    // AND untagged, or tagged with another classification, it is not
    expect(pathFindings(fixture('paths/data-tier.json')).filter((f) => f.startsWith('DataStoreInternetReachable'))).toEqual([]);
    const other = fixture('paths/data-tier.json', (r) => {
      r.WebServer.Properties.Tags = [{ Key: 'cdk-layered-defense:data-classification', Value: 'public' }];
    });
    expect(pathFindings(other).filter((f) => f.startsWith('DataStoreInternetReachable'))).toEqual([]);
  });
});

describe('LayeredDefense-DataStoreReachedOutsideGroups', () => {
  test('fires when a CIDR rule lets the public tier reach the database its group reserves for the app', () => {
    // GIVEN: DbGroup names AppGroup and also admits 10.0.0.0/16 on 5432; the web server sits in 10.0.0.0/24 with
    // EC2's default allow-all egress; every subnet uses the default NACL and the VPC's local route
    const findings = judge({ App: fixture('paths/data-tier.json') });
    // THEN: the web server's group, not the app's, is reported, on tcp 5432 by the CIDR rule
    expect(messageOf(findings, OUTSIDE)).toBe('data store App/Database (an RDS DB instance) is reachable from security group App/WebGroup (App/WebServer) '
      + 'on tcp 5432 (admitted by App/DbGroup "ingress tcp 5432 from 10.0.0.0/16"), but its security groups name App/AppGroup as sources');
    expect(ofRule(findings, OUTSIDE)[0].resource.logicalId).toBe('Database');
  });

  test('a finding per tier its CIDR rule lets in, each its own (a SARIF alert per tier: a new tier is a new alert)', () => {
    // GIVEN three more web servers, each with a group of its own, in the public subnet the CIDR rule covers
    const template = fixture('paths/data-tier.json', (r) => {
      for (const n of [2, 3, 4]) {
        r[`WebGroup${n}`] = { ...r.WebGroup, Properties: { ...r.WebGroup.Properties, GroupDescription: `web ${n}` } };
        r[`WebServer${n}`] = { ...r.WebServer, Properties: { ...r.WebServer.Properties, SecurityGroupIds: [{ 'Fn::GetAtt': [`WebGroup${n}`, 'GroupId'] }] } };
      }
    });
    // WHEN judged
    const findings = ofRule(judge({ App: template }), OUTSIDE);
    // THEN four errors on the database, one per web tier, each message naming only its tier
    const by = (n: string) => `data store App/Database (an RDS DB instance) is reachable from security group App/WebGroup${n} (App/WebServer${n}) `
      + 'on tcp 5432 (admitted by App/DbGroup "ingress tcp 5432 from 10.0.0.0/16"), but its security groups name App/AppGroup as sources';
    expect(findings.map((f) => f.resource.logicalId)).toEqual(['Database', 'Database', 'Database', 'Database']);
    expect(findings.map((f) => f.message).sort()).toEqual([by(''), by('2'), by('3'), by('4')]);
  });

  test('a "cannot verify" per tier it cannot place, each named with its unknown value', () => {
    // GIVEN two web servers, each in a subnet imported from another stack
    const template = fixture('paths/data-tier.json', (r) => {
      for (const n of ['', '2']) {
        r[`WebGroup${n}`] = { ...r.WebGroup, Properties: { ...r.WebGroup.Properties, GroupDescription: `web ${n}` } };
        r[`WebServer${n}`] = { ...r.WebServer, Properties: { ...r.WebServer.Properties, SubnetId: { 'Fn::ImportValue': `SharedSubnet${n}` }, SecurityGroupIds: [{ 'Fn::GetAtt': [`WebGroup${n}`, 'GroupId'] }] } };
      }
    });
    // WHEN judged
    const findings = judge({ App: template }).filter((f) => f.ruleId === CANNOT && f.message.startsWith(OUTSIDE));
    // THEN one warning per web tier on the database, naming its group and its import, and no error
    expect(findings.map((f) => f.resource.logicalId)).toEqual(['Database', 'Database']);
    for (const n of ['', '2']) {
      expect(findings.filter((f) => f.message.includes(`whether security group App/WebGroup${n} (App/WebServer${n}), outside the groups`)
        && f.message.includes(`subnet {"Fn::ImportValue":"SharedSubnet${n}"} of App/WebServer${n} is not in the app`))).toHaveLength(1);
    }
    expect(ofRule(judge({ App: template }), OUTSIDE)).toEqual([]);
  });

  test('a data subnet NACL far over the quota is unknown on the path, named with its count; 200 entries are still judged', () => {
    // GIVEN the data subnet's NACL: a DENY of the public tier, then `fillers` more single-address DENYs with distinct
    // TCP ports (each a port bound), then an ALLOW of the VPC both ways
    const withNacl = (fillers: number) => fixture('paths/data-tier.json', (r) => {
      r.DataNacl = { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } };
      r.DataNaclAssociation = { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'DataSubnet' }, NetworkAclId: { Ref: 'DataNacl' } } };
      const entry = (n: number, egress: boolean, action: string, cidr: string, extra: object = { Protocol: -1 }) =>
        ({ Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'DataNacl' }, RuleNumber: n, Egress: egress, RuleAction: action, CidrBlock: cidr, ...extra } });
      r.DataInDenyPublic = entry(1, false, 'deny', '10.0.0.0/24');
      for (let i = 0; i < fillers; i++) {
        r[`Filler${i}`] = entry(2 + i, false, 'deny', `198.51.100.${i % 256}/32`, { Protocol: 6, PortRange: { From: 1000 + i, To: 1000 + i } });
      }
      r.DataInAll = entry(30000, false, 'allow', '10.0.0.0/16');
      r.DataOutAll = entry(30000, true, 'allow', '10.0.0.0/16');
    });
    // WHEN judged with 200 inbound entries THEN the NACL closes the public tier's path, as with three
    expect(pathFindings(withNacl(198))).toEqual([]);
    // WHEN judged with 201 THEN the path through it is "cannot verify", saying why, and never reachable
    const findings = judge({ App: withNacl(199) });
    expect(ofRule(findings, OUTSIDE)).toEqual([]);
    const unknown = ofRule(findings, CANNOT).filter((f) => f.message.startsWith(OUTSIDE));
    expect(unknown.map((f) => f.resource.logicalId)).toEqual(['Database']);
    expect(unknown[0].message).toContain('App/DataNacl has 201 inbound IPv4 entries, more than the 200 this analysis judges exactly');
    expect(unknown[0].message).toMatch(/: the path is not judged, for the reasons named$/);
    // AND the fix is the quota's: no value at deploy time settles it
    expect(unknown[0].fix).toMatch(/^Bring the NACL within EC2's quota of entries per direction and family/);
  });

  test('does not fire when the data subnet\'s NACL denies the public tier (the NACL and group combination closes it)', () => {
    const template = fixture('paths/data-tier.json', (r) => {
      r.DataNacl = { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } };
      r.DataNaclAssociation = { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'DataSubnet' }, NetworkAclId: { Ref: 'DataNacl' } } };
      const entry = (n: number, egress: boolean, action: string, cidr: string) => ({ Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'DataNacl' }, RuleNumber: n, Egress: egress, RuleAction: action, CidrBlock: cidr, Protocol: -1 } });
      r.DataInDenyPublic = entry(50, false, 'deny', '10.0.0.0/24');
      r.DataInAll = entry(100, false, 'allow', '10.0.0.0/16');
      r.DataOutAll = entry(100, true, 'allow', '10.0.0.0/16');
    });
    expect(pathFindings(template)).toEqual([]);
  });

  test('does not fire when the group admits only the application\'s group', () => {
    const template = fixture('paths/data-tier.json', (r) => {
      r.DbGroup.Properties.SecurityGroupIngress.pop();
    });
    expect(pathFindings(template)).toEqual([]);
  });

  test('an imported CIDR on the database\'s group is "cannot verify" for the public tier, naming the value', () => {
    const template = fixture('paths/data-tier.json', (r) => {
      r.DbGroup.Properties.SecurityGroupIngress[1].CidrIp = { 'Fn::ImportValue': 'PartnerCidr' };
    });
    const findings = judge({ App: template });
    expect(ofRule(findings, OUTSIDE)).toEqual([]);
    const cannot = ofRule(findings, CANNOT).filter((f) => f.message.includes(OUTSIDE));
    expect(cannot).toHaveLength(1);
    expect(cannot[0].message).toMatch(/whether security group App\/WebGroup \(App\/WebServer\), outside the groups .* can reach it on tcp 5432 \(.*PartnerCidr/);
  });

  test('the three-tier app of the scenarios, whose database admits only the application\'s group, has no path finding', () => {
    expect(pathFindings(fixture('reachability/three-tier.json'))).toEqual([]);
  });
});

describe('LayeredDefense-WafOriginBypass', () => {
  test('fires on the internet-facing load balancer behind a protected CloudFront distribution that admits everyone on 443', () => {
    const findings = judge({ App: fixture('paths/cloudfront-origin.json') });
    expect(messageOf(findings, BYPASS)).toBe('App/OriginAlb, the origin of App/Distribution (protected by web ACL App/EdgeAcl), is reachable from the internet '
      + 'directly on tcp 443 (admitted by App/LbGroup "ingress tcp 443 from 0.0.0.0/0"): requests can go around the web ACL');
  });

  test('does not fire, nor "cannot verify", when the origin admits only the origin-facing prefix list', () => {
    const template = fixture('paths/cloudfront-origin.json', (r) => {
      r.LbGroup.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' }];
    });
    expect(pathFindings(template)).toEqual([]);
  });

  test.each([
    ['after', (prefixList: unknown, other: unknown) => [prefixList, other]],
    ['before', (prefixList: unknown, other: unknown) => [other, prefixList]],
  ])('GIVEN a rule with a CIDR not known at synth %s the prefix list rule WHEN judged THEN the origin may be open: "cannot verify", in either order', (_, order) => {
    const template = fixture('paths/cloudfront-origin.json', (r) => {
      r.LbGroup.Properties.SecurityGroupIngress = order(
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: { 'Fn::ImportValue': 'OfficeCidr' } },
      );
    });
    expect(pathFindings(template)).toEqual(['CannotVerify OriginAlb']);
    expect(ofRule(judge({ App: template }), CANNOT).map((f) => f.message).filter((m) => m.includes('WafOriginBypass')))
      .toEqual([expect.stringMatching(/^LayeredDefense-WafOriginBypass cannot verify whether the internet can reach App\/OriginAlb, the origin of App\/Distribution .*OfficeCidr/)]);
  });

  /** The origin admits CloudFront's prefix list on 443, and everyone on 80 for a listener that redirects to HTTPS. */
  const withRedirect = (change: (resources: any) => void = () => {}) => fixture('paths/cloudfront-origin.json', (r) => {
    r.LbGroup.Properties.SecurityGroupIngress = [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' },
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' },
    ];
    r.RedirectListener = {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Properties: {
        LoadBalancerArn: { Ref: 'OriginAlb' },
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      },
    };
    change(r);
  });

  test('GIVEN everyone admitted on every UDP port WHEN judged THEN no bypass: an ALB\'s listeners take no UDP', () => {
    const template = fixture('paths/cloudfront-origin.json', (r) => {
      r.LbGroup.Properties.SecurityGroupIngress = [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' },
        { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, CidrIp: '0.0.0.0/0' },
      ];
    });
    expect(pathFindings(template)).toEqual([]);
  });

  test.each([
    ['an ALB whose listener protocol is not known', 'application', { 'Fn::ImportValue': 'ListenerProtocol' }, []],
    ['an NLB with a TCP listener', 'network', 'TCP', []],
    ['an NLB with a UDP listener', 'network', 'UDP', ['WafOriginBypass OriginAlb']],
    ['an NLB with a TCP_UDP listener', 'network', 'TCP_UDP', ['WafOriginBypass OriginAlb']],
    ['an NLB whose listener protocol is not known', 'network', { 'Fn::ImportValue': 'ListenerProtocol' }, ['WafOriginBypass OriginAlb']],
  ])('GIVEN everyone admitted on UDP 443 of %s WHEN judged THEN a bypass only where a listener may take UDP', (_, type, protocol, expected) => {
    const template = fixture('paths/cloudfront-origin.json', (r) => {
      r.LbGroup.Properties.SecurityGroupIngress = [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' },
        { IpProtocol: 'udp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
      ];
      r.OriginAlb.Properties.Type = type;
      r.OriginListener.Properties.Protocol = protocol;
    });
    expect(pathFindings(template)).toEqual(expected);
  });

  test('GIVEN everyone admitted on 80 for a listener that only redirects WHEN judged THEN no bypass (HttpNotRedirected asks for that listener)', () => {
    expect(pathFindings(withRedirect())).toEqual([]);
  });

  test('GIVEN a listener rule on that port that forwards WHEN judged THEN it is a way around the web ACL again', () => {
    const forwarding = withRedirect((r) => {
      r.Backdoor = {
        Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        Properties: { ListenerArn: { Ref: 'RedirectListener' }, Priority: 1, Conditions: [], Actions: [{ Type: 'forward', TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/app/1' }] },
      };
    });
    expect(pathFindings(forwarding)).toEqual(['WafOriginBypass OriginAlb']);
  });

  test('does not fire when the origin is internal', () => {
    const template = fixture('paths/cloudfront-origin.json', (r) => {
      r.OriginAlb.Properties.Scheme = 'internal';
    });
    expect(pathFindings(template)).toEqual([]);
  });

  test('fires on the load balancer a protected REST API stage proxies to, when it admits everyone', () => {
    // GIVEN: the same origin, behind an API Gateway stage (HTTP_PROXY to the ALB's DNS name) whose web ACL is regional
    const template = fixture('paths/cloudfront-origin.json', (r) => {
      delete r.Distribution;
      r.EdgeAcl.Properties.Scope = 'REGIONAL';
      r.Api = { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } };
      r.ProxyMethod = {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ResourceId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
          HttpMethod: 'ANY',
          AuthorizationType: 'NONE',
          Integration: { Type: 'HTTP_PROXY', IntegrationHttpMethod: 'ANY', Uri: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['OriginAlb', 'DNSName'] }, '/']] } },
        },
      };
      r.Deployment = { Type: 'AWS::ApiGateway::Deployment', DependsOn: 'ProxyMethod', Properties: { RestApiId: { Ref: 'Api' } } };
      r.Stage = { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: 'prod' } };
      r.StageAcl = {
        Type: 'AWS::WAFv2::WebACLAssociation',
        Properties: {
          WebACLArn: { 'Fn::GetAtt': ['EdgeAcl', 'Arn'] },
          ResourceArn: { 'Fn::Join': ['', ['arn:aws:apigateway:us-east-1::/restapis/', { Ref: 'Api' }, '/stages/', { Ref: 'Stage' }]] },
        },
      };
    });
    expect(messageOf(judge({ App: template }), BYPASS)).toBe('App/OriginAlb, the origin of App/Api (protected by web ACL App/EdgeAcl), is reachable from the internet '
      + 'directly on tcp 443 (admitted by App/LbGroup "ingress tcp 443 from 0.0.0.0/0"): requests can go around the web ACL');
  });

  test('fires on a target of a protected load balancer that has a public address and admits the internet itself', () => {
    // GIVEN: the three-tier app's service moved to the public subnet with a public IP, its group open on 8080, and the
    // public NACL allowing 8080 in
    const template = fixture('reachability/three-tier.json', (r) => {
      r.AppService.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets = [{ Ref: 'PublicSubnet' }];
      r.AppService.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp = 'ENABLED';
      r.AppGroup.Properties.SecurityGroupIngress.push({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, CidrIp: '0.0.0.0/0' });
      r.PublicIn8080 = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'PublicNacl' }, RuleNumber: 105, Egress: false, RuleAction: 'allow', CidrBlock: '0.0.0.0/0', Protocol: 6, PortRange: { From: 8080, To: 8080 } } };
    });
    const findings = judge({ App: template });
    expect(messageOf(findings, BYPASS)).toBe('App/AppService, a target of App/Alb (protected by web ACL App/WebAcl), is reachable from the internet '
      + 'directly on tcp 8080 (admitted by App/AppGroup "ingress tcp 8080 from 0.0.0.0/0"): requests can go around the web ACL');
  });
});

describe('the VPC block as templates write it: !GetAtt Vpc.CidrBlock and !Cidr over it', () => {
  test('GIVEN subnets carved with Fn::Cidr and a group admitting GetAtt Vpc.CidrBlock WHEN checked THEN the path rules decide (errors), not cannot verify', () => {
    // GIVEN paths/vpc-cidr-expressions.yaml (YAML short forms, the VPC block from a parameter's default)
    const file = path.join(FIXTURES, 'paths', 'vpc-cidr-expressions.yaml');
    // WHEN the CLI's analysis reads and judges it
    const findings = analyzePaths([file]).findings;
    // THEN both path errors, on the resources that cause them, and no "cannot verify" about the VPC block
    const found = findings.filter((f) => [OUTSIDE, BYPASS].includes(f.ruleId)).map((f) => `${f.ruleId.replace('LayeredDefense-', '')} ${f.logicalId} ${f.level}`).sort();
    expect(found).toEqual(['DataStoreReachedOutsideGroups Db error', 'WafOriginBypass AppInstance error']);
    expect(findings.filter((f) => f.ruleId === CANNOT && /CidrBlock|Fn::Cidr/.test(f.message))).toEqual([]);
  });
});
