// Scenario tests for the reachability engine on CDK-free templates: a three-tier app (internet-facing ALB in a public
// subnet, an ECS service in an app subnet, PostgreSQL in a data subnet, a web ACL on the ALB), and one change per
// scenario that makes one layer the one that blocks. Every expected answer is worked out by hand from the fixture.
import * as path from 'path';
import { address, internet, REACHABILITY_FIXTURES, threeTier } from './three-tier';
import { readApp } from '../../../src/analysis/cfn';
import { FlowQuerySpec, FlowSource, formatAnswer, ReachabilityModel } from '../../../src/analysis/reachability/explain';

const FIXTURES = REACHABILITY_FIXTURES;

const workload = (logicalId: string): FlowSource => ({ kind: 'workloads', keys: [`id:App/${logicalId}`], description: logicalId });
const to = (logicalId: string, stack = 'App') => ({ keys: [`id:${stack}/${logicalId}`], description: logicalId });
const query = (from: FlowSource, target: string, port: number, extra: Partial<FlowQuerySpec> = {}): FlowQuerySpec =>
  ({ from, to: to(target), port, protocol: 6, ...extra });

/** `layer code entry` of every blocker, sorted, for exact comparison with the hand-computed list. */
function blockers(model: ReachabilityModel, q: FlowQuerySpec): string[] {
  return model.explain(q).blockers.map((b) => `${b.layer} ${b.code} ${b.resource?.logicalId ?? '-'} ${b.entry ?? '-'}`).sort();
}

describe('the unchanged three-tier app', () => {
  const model = threeTier();

  test('the internet reaches the load balancer on 443, hop by hop', () => {
    // WHEN
    const answer = model.explain(query(internet, 'Alb', 443));
    // THEN: listener, public address, the public route to the IGW, both NACL directions, the ALB's group.
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.map((h) => `${h.layer} ${h.code} ${h.entry ?? '-'}`)).toEqual([
      'load-balancer LB_LISTENER listener on port 443',
      'route PUBLIC_ADDRESS -',
      'route ROUTE_TO_INTERNET_GATEWAY 0.0.0.0/0 -> GatewayId App/Igw',
      'nacl NACL_INBOUND_ALLOW rule 100',
      'nacl NACL_RETURN_ALLOW rule 100',
      'security-group SG_INGRESS_ALLOW ingress tcp 443 from 0.0.0.0/0',
    ]);
  });

  test('the application reaches the database on 5432; the load balancer reaches the application on 8080', () => {
    expect(model.explain(query(workload('AppService'), 'Database', 5432)).verdict).toBe('REACHABLE');
    expect(model.explain(query(workload('Alb'), 'AppService', 8080)).verdict).toBe('REACHABLE');
  });

  test('the internet cannot reach the database, and every layer that stops it is listed', () => {
    // GIVEN: the database has no public address, its subnet has no route to the IGW, its NACL admits and answers only
    // the app subnet, and its group admits only the application's group.
    expect(blockers(model, query(internet, 'Database', 5432))).toEqual([
      'nacl NACL_INBOUND_DENY DataNacl rule * (implicit deny)',
      'nacl NACL_RETURN_DENY DataNacl rule * (implicit deny)',
      'route NO_PUBLIC_ADDRESS Database -',
      'route NO_ROUTE_TO_INTERNET_GATEWAY DataSubnet -',
      'security-group SG_INGRESS_NO_RULE DbGroup -',
    ]);
    expect(model.explain(query(internet, 'Database', 5432)).verdict).toBe('BLOCKED');
  });

  test('NACL inbound: a blocklisted address is denied by rule 50 and nothing else', () => {
    expect(blockers(model, query(address('203.0.113.9'), 'Alb', 443))).toEqual(['nacl NACL_INBOUND_DENY PublicNacl rule 50']);
  });

  test('WAF path: an outsider is blocked on /admin by the web ACL alone; the office gets through, with a note on the managed group', () => {
    expect(blockers(model, query(address('192.0.2.10'), 'Alb', 443, { httpPath: '/admin' })))
      .toEqual(["waf WAF_BLOCK WebAcl rule 'AdminOnlyFromOffice'"]);
    const office = model.explain(query(address('198.51.100.7'), 'Alb', 443, { httpPath: '/admin' }));
    expect(office.verdict).toBe('REACHABLE');
    expect(office.notes.join('\n')).toMatch(/the rule group of rule 'Common' judges content/);
    expect(model.explain(query(address('192.0.2.10'), 'Alb', 443, { httpPath: '/index.html' })).verdict).toBe('REACHABLE');
  });

  test('a listener is needed: nothing listens on 80', () => {
    expect(blockers(model, query(internet, 'Alb', 80))).toEqual([
      'load-balancer LB_NO_LISTENER Alb -',
      'nacl NACL_INBOUND_DENY PublicNacl rule * (implicit deny)',
      'nacl NACL_INBOUND_DENY PublicNacl rule 50',
      'security-group SG_INGRESS_NO_RULE LbGroup -',
    ]);
  });

  test('the assertion text names the verdict, the flow and each blocker with its stack, logical id and entry', () => {
    const text = formatAnswer(model.explain(query(address('203.0.113.9'), 'Alb', 443)));
    expect(text).toMatch(/^BLOCKED: tcp 443 from 203\.0\.113\.9 to Alb/);
    expect(text).toMatch(/nacl NACL_INBOUND_DENY: NACL App\/PublicNacl of subnet App\/PublicSubnet denies inbound tcp 443 by ingress rule 50 \[App PublicNacl, rule 50\]/);
  });
});

describe('one layer blocks at a time', () => {
  test('no route: without the default route to the IGW, responses cannot return', () => {
    const model = threeTier((r) => delete r.PublicDefaultRoute);
    expect(blockers(model, query(internet, 'Alb', 443))).toEqual(['route NO_ROUTE_TO_INTERNET_GATEWAY PublicSubnet -']);
  });

  test('no route: an IGW that is not attached to the VPC carries nothing', () => {
    const model = threeTier((r) => delete r.IgwAttachment);
    expect(blockers(model, query(internet, 'Alb', 443))).toEqual(['route INTERNET_GATEWAY_NOT_ATTACHED Igw 0.0.0.0/0 -> GatewayId App/Igw']);
  });

  test('NACL return traffic: an outbound rule for 443 only leaves the ephemeral ports to the implicit deny', () => {
    const model = threeTier((r) => {
      r.PublicOutAll.Properties = { ...r.PublicOutAll.Properties, Protocol: 6, PortRange: { From: 443, To: 443 } };
    });
    expect(blockers(model, query(internet, 'Alb', 443))).toEqual(['nacl NACL_RETURN_DENY PublicNacl rule * (implicit deny)']);
  });

  test('NACL return traffic: a deny of part of the ephemeral range blocks, since the client may pick any of them', () => {
    const model = threeTier((r) => {
      r.PublicOutDenyHigh = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'PublicNacl' }, RuleNumber: 90, Egress: true, RuleAction: 'deny', Protocol: 6, CidrBlock: '0.0.0.0/0', PortRange: { From: 49152, To: 65535 } } };
    });
    expect(blockers(model, query(internet, 'Alb', 443))).toEqual(['nacl NACL_RETURN_DENY PublicNacl rule 90']);
  });

  test('security group inbound: a group that admits only the VPC keeps the internet out', () => {
    const model = threeTier((r) => {
      r.LbGroup.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }];
    });
    expect(blockers(model, query(internet, 'Alb', 443))).toEqual(['security-group SG_INGRESS_NO_RULE LbGroup -']);
  });

  test("the source's security group egress: the application may not send to the database", () => {
    const model = threeTier((r) => {
      r.AppGroup.Properties.SecurityGroupEgress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }];
    });
    expect(blockers(model, query(workload('AppService'), 'Database', 5432))).toEqual(['security-group SG_EGRESS_NO_RULE AppGroup -']);
  });

  test('a group without SecurityGroupEgress keeps EC2 default allow-all outbound rule', () => {
    const model = threeTier((r) => delete r.AppGroup.Properties.SecurityGroupEgress);
    expect(model.explain(query(workload('AppService'), 'Database', 5432)).verdict).toBe('REACHABLE');
  });

  test('no public address: an internal load balancer is out of the internet\'s reach', () => {
    const model = threeTier((r) => {
      r.Alb.Properties.Scheme = 'internal';
    });
    expect(blockers(model, query(internet, 'Alb', 443))).toEqual(['route NO_PUBLIC_ADDRESS Alb -']);
  });

  test('a group that admits its own members: members of one group pass only if the group admits itself', () => {
    const model = threeTier((r) => {
      r.Peer = { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SubnetIds: [{ Ref: 'DataSubnet' }], SecurityGroupIds: [{ 'Fn::GetAtt': ['DbGroup', 'GroupId'] }] } } };
      r.DbGroup.Properties.SecurityGroupEgress = [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
    });
    const fromPeer = { from: { kind: 'workloads' as const, keys: ['id:App/Peer'], description: 'Peer' }, to: to('Database'), port: 5432, protocol: 6 };
    // Same subnet: no NACL is crossed; DbGroup admits AppGroup only, not itself.
    expect(blockers(model, fromPeer)).toEqual(['security-group SG_INGRESS_NO_RULE DbGroup -']);
    expect(model.explain(fromPeer).notes.join('\n')).toMatch(/crosses no NACL/);
  });
});

describe('values unknown at synth', () => {
  test('a CIDR the template imports from nowhere makes the answer UNKNOWN, naming the value', () => {
    const model = threeTier((r) => {
      r.DbGroup.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: { 'Fn::ImportValue': 'Unexported' } }];
    });
    const answer = model.explain(query(workload('AppService'), 'Database', 5432));
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns.map((u) => u.message).join('\n')).toMatch(/Unexported/);
  });

  test('a layer that denies outright still decides when another is unknown', () => {
    const model = threeTier((r) => {
      r.DbGroup.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: { 'Fn::ImportValue': 'Unexported' } }];
    });
    expect(model.explain(query(internet, 'Database', 5432)).verdict).toBe('BLOCKED');
  });

  test('a subnet outside the app leaves the placement unknown', () => {
    const model = threeTier((r) => {
      r.DbSubnets.Properties.SubnetIds = ['subnet-0abc'];
    });
    const answer = model.explain(query(workload('AppService'), 'Database', 5432));
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns[0].message).toMatch(/subnet subnet-0abc of App\/Database is not in the app/);
  });
});

describe('WAF rule groups ahead of the path rule', () => {
  // A terminating Allow inside a rule group ends the web ACL's evaluation:
  // https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html
  const visibility = { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'm' };
  const everything = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } };
  const withGroup = (arn: unknown, action?: string) => threeTier((r) => {
    if (action !== undefined) {
      r.Group = {
        Type: 'AWS::WAFv2::RuleGroup',
        Properties: { Name: 'shared', Scope: 'REGIONAL', Capacity: 10, VisibilityConfig: visibility, Rules: [{ Name: 'Everything', Priority: 0, Action: { [action]: {} }, VisibilityConfig: visibility, Statement: everything }] },
      };
    }
    r.WebAcl.Properties.Rules.push({ Name: 'Shared', Priority: 5, OverrideAction: { None: {} }, VisibilityConfig: visibility, Statement: { RuleGroupReferenceStatement: { Arn: arn } } });
  });
  const outsider = query(address('192.0.2.10'), 'Alb', 443, { httpPath: '/admin' });

  test('a group of the app that allows everything lets an outsider reach /admin, and the hop names the group\'s rule', () => {
    const answer = withGroup({ 'Fn::GetAtt': ['Group', 'Arn'] }, 'Allow').explain(outsider);
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.filter((h) => h.layer === 'waf').map((h) => h.entry)).toEqual(["rule 'Everything' of rule group App/Group (referenced by rule 'Shared')"]);
  });

  test('a group of the app that only blocks runs in place: its rule, ahead of the path rule, blocks, and nothing is unknown', () => {
    // GIVEN the group (priority 5) blocks every path; the web ACL's own path rule comes after it
    const model = withGroup({ 'Fn::GetAtt': ['Group', 'Arn'] }, 'Block');
    // THEN the group decides, named as the hop that blocks
    expect(blockers(model, outsider)).toEqual(["waf WAF_BLOCK WebAcl rule 'Everything' of rule group App/Group (referenced by rule 'Shared')"]);
    expect(model.explain(outsider).verdict).toBe('BLOCKED');
    expect(model.explain(outsider).unknowns).toEqual([]);
  });

  test('a group of the app is not called opaque in the notes; the managed group still is', () => {
    const answer = withGroup({ 'Fn::GetAtt': ['Group', 'Arn'] }, 'Block').explain(outsider);
    expect(answer.notes.filter((n) => n.includes('cannot see'))).toEqual([
      "web ACL App/WebAcl: the rule group of rule 'Common' judges content and reputation the model cannot see, and may still block the request",
    ]);
  });

  test('a group from outside the app makes the block unknown, naming the group', () => {
    const answer = withGroup('arn:aws:wafv2:us-east-1:111111111111:regional/rulegroup/shared/0a1b2c3d').explain(outsider);
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns.map((u) => u.message)).toEqual([
      expect.stringMatching(/blocks a request to \/admin by rule 'AdminOnlyFromOffice', unless a rule group before it allows it: rule 'Shared' references rule group "arn:aws:wafv2:/),
    ]);
  });
});

describe('across stacks', () => {
  test('a database in a stack that imports its subnet and the application group is judged with the exporting stack', () => {
    // GIVEN: Network exports the VPC, the data subnet and the application group; Data imports them.
    const dir = path.join(FIXTURES, 'cross-stack');
    const app = readApp([path.join(dir, 'Network.template.json'), path.join(dir, 'Data.template.json')]);
    const model = ReachabilityModel.fromStacks(app.stacks);
    const network = app.stacks.find((s) => s.stackName === 'Network')!.id;
    const data = app.stacks.find((s) => s.stackName === 'Data')!.id;
    const app2db: FlowQuerySpec = {
      from: { kind: 'workloads', keys: [`id:${network}/AppService`], description: 'AppService' }, to: to('Database', data), port: 5432, protocol: 6,
    };
    // THEN: the imported group reference admits the application; other ports and the internet are blocked.
    expect(model.explain(app2db).verdict).toBe('REACHABLE');
    expect(model.explain({ ...app2db, port: 5433 }).verdict).toBe('BLOCKED');
    expect(model.explain({ ...app2db, from: internet }).verdict).toBe('BLOCKED');
  });
});

describe('values EC2 rejects', () => {
  // The model leaves a rule or entry EC2 refuses out (it never exists); an answer it changes says so.
  test('GIVEN the load balancer group\'s only HTTPS rule written with ports 443-442 WHEN the internet asks for 443 THEN BLOCKED for want of a rule, with a note naming the rejected rule', () => {
    const model = threeTier((r) => {
      r.LbGroup.Properties.SecurityGroupIngress[0].ToPort = 442;
    });
    const answer = model.explain(query(internet, 'Alb', 443));
    expect(answer.verdict).toBe('BLOCKED');
    expect(blockers(model, query(internet, 'Alb', 443))).toEqual(['security-group SG_INGRESS_NO_RULE LbGroup -']);
    expect(answer.notes).toEqual([
      'App/LbGroup: SecurityGroupIngress[0] FromPort/ToPort 443/442 of a tcp rule: FromPort is above ToPort: EC2 rejects the rule. '
      + 'It never exists, so this answer leaves it out (the template cannot deploy as written)',
    ]);
  });

  test('GIVEN the public NACL\'s HTTPS entry numbered 40000 (above 32766) WHEN the internet asks for 443 THEN BLOCKED by the implicit deny, with a note naming the entry', () => {
    const model = threeTier((r) => {
      r.PublicInHttps.Properties.RuleNumber = 40000;
    });
    const answer = model.explain(query(internet, 'Alb', 443));
    expect(answer.verdict).toBe('BLOCKED');
    // (the blocklisted 203.0.113.0/24 is still denied by rule 50; every other address now meets the implicit deny)
    expect(blockers(model, query(internet, 'Alb', 443))).toEqual([
      'nacl NACL_INBOUND_DENY PublicNacl rule * (implicit deny)',
      'nacl NACL_INBOUND_DENY PublicNacl rule 50',
    ]);
    expect(answer.notes).toHaveLength(1);
    expect(answer.notes[0]).toMatch(/^App\/PublicInHttps: RuleNumber 40000 is outside 1-32766.*It never exists, so this answer leaves it out/);
  });

  test('GIVEN a rejected rule on a group the flow never meets WHEN a flow is blocked elsewhere, or reachable THEN no note', () => {
    const model = threeTier((r) => {
      r.DbGroup.Properties.SecurityGroupIngress.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 21, CidrIp: '10.0.0.0/16' });
    });
    // The internet to the load balancer on 80: blocked by the listener, the NACL and the load balancer's group.
    expect(model.explain(query(internet, 'Alb', 80)).notes).toEqual([]);
    expect(model.explain(query(internet, 'Alb', 443))).toMatchObject({ verdict: 'REACHABLE', notes: [] });
    // The database's own group is on the path from the application: the note appears there.
    expect(model.explain(query(workload('AppService'), 'Database', 22)).notes.join('\n')).toMatch(/^App\/DbGroup: SecurityGroupIngress\[1\] FromPort\/ToPort 22\/21/);
    // But not for a flow that starts at the database: a source's ingress rules do not judge its own traffic.
    expect(model.explain(query(workload('Database'), 'AppService', 8080)).notes).toEqual([]);
  });

  test('GIVEN the HTTPS rule as a standalone ingress whose type is misspelt WHEN the internet asks for 443 THEN BLOCKED, with a note naming it', () => {
    const model = threeTier((r) => {
      r.LbGroup.Properties.SecurityGroupIngress = [];
      r.Https = { Type: 'AWS::EC2::SecurityGroupIngres', Properties: { GroupId: { 'Fn::GetAtt': ['LbGroup', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' } };
    });
    const answer = model.explain(query(internet, 'Alb', 443));
    expect(answer.verdict).toBe('BLOCKED');
    expect(answer.notes).toEqual([expect.stringMatching(/^App\/Https: Type AWS::EC2::SecurityGroupIngres is not a resource type; did you mean AWS::EC2::SecurityGroupIngress\?. It never exists/)]);
  });

  test('GIVEN values that are wrong but leave no rule out (an acknowledgement without a reason, a group without GroupDescription) WHEN a flow is blocked THEN no note', () => {
    const model = threeTier((r) => {
      r.LbGroup.Metadata = { 'cdk-layered-defense': { acknowledge: [{ id: 'LayeredDefense-SgOpenIngress' }] } };
      delete r.LbGroup.Properties.GroupDescription;
    });
    expect(model.network.invalid.map((i) => i.resource.logicalId)).toEqual(['LbGroup', 'LbGroup']);
    expect(model.explain(query(internet, 'Alb', 80)).notes).toEqual([]);
  });
});
