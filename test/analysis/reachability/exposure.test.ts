// The exposure analysis: who can reach each data store, on which ports, and which layer decides. Expected answers are
// worked out by hand from the three-tier fixture (the database's group admits tcp 5432 from the application's group
// only; its NACL admits tcp 5432 from the app subnet only; it has no public address and no route to the IGW).
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { ReachabilityModel } from '../../../src/analysis/reachability/explain';
import { analyzeExposure, dataStoresOf, describePorts, internetExposure, SourceExposure, workloadGroupsOf } from '../../../src/analysis/reachability/exposure';
import { formatExposureSummary } from '../../../src/analysis/reachability/exposure-summary';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates');

function template(name: string, change: (resources: any) => void = () => {}): any {
  const t = JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
  change(t.Resources);
  return t;
}

function modelOf(...stacks: Array<[string, any]>): ReachabilityModel {
  return ReachabilityModel.fromStacks(stacks.map(([id, t]) => ({ id, stackName: id, template: t })));
}

/** `verdict ports [layers]` per range. */
function ranges(source: SourceExposure): string[] {
  return source.ranges.map((r) => `${r.verdict} ${describePorts(r)} [${[...new Set(r.decisions.map((d) => d.layer))].sort().join(',')}]`);
}

describe('the exposure of the three-tier database', () => {
  const model = modelOf(['App', template('reachability/three-tier.json')]);
  const [exposure] = analyzeExposure(model);

  test('the database is the one data store; the sources are the internet and the two other workload groups', () => {
    expect(dataStoresOf(model).map((s) => `${s.workload.resource.logicalId}: ${s.reason}`)).toEqual(['Database: an RDS DB instance']);
    expect(exposure.sources.map((s) => s.description)).toEqual(['the internet', 'security group App/LbGroup', 'security group App/AppGroup']);
  });

  test('the internet is blocked on every port of both protocols, by the route, both NACL directions and the group', () => {
    expect(ranges(exposure.sources[0])).toEqual([
      'BLOCKED tcp 0-65535 [nacl,route,security-group]',
      'BLOCKED udp 0-65535 [nacl,route,security-group]',
    ]);
  });

  test('the application reaches it on tcp 5432 alone, admitted by the database group\'s rule; other ports are blocked', () => {
    const app = exposure.sources[2];
    expect(app.verdict).toBe('REACHABLE');
    expect(ranges(app)).toEqual([
      'BLOCKED tcp 0-5431 [nacl,security-group]',
      'REACHABLE tcp 5432 [security-group]',
      'BLOCKED tcp 5433-65535 [nacl,security-group]',
      'BLOCKED udp 0-65535 [nacl,security-group]',
    ]);
    expect(app.ranges[1].decisions.map((d) => `${d.resource?.logicalId} ${d.entry}`)).toEqual(['DbGroup ingress tcp 5432 from App/AppGroup']);
  });

  test('the load balancer is blocked on every port', () => {
    expect(exposure.sources[1].verdict).toBe('BLOCKED');
  });

  test('the summary names the store, who reaches it on which port, and which layers block the rest', () => {
    expect(formatExposureSummary([exposure])).toEqual([
      'Exposure of 1 data store (who can reach each, on which ports, and which layer decides):',
      '  App/Database (an RDS DB instance)',
      '    the internet: blocked on every port by route, NACL, security group',
      '    security group App/AppGroup: REACHABLE on tcp 5432 (admitted by App/DbGroup "ingress tcp 5432 from App/AppGroup"); blocked elsewhere by NACL, security group',
      '    1 workload group blocked on every port (by NACL, security group): security group App/LbGroup',
    ]);
  });
});

test('an app without data stores says so in one line', () => {
  const model = modelOf(['App', template('paths/cloudfront-origin.json')]);
  expect(formatExposureSummary(analyzeExposure(model))).toEqual([
    'Exposure: no data stores (RDS, ElastiCache, OpenSearch in a VPC, EFS mount targets, or workloads tagged cdk-layered-defense:data-classification=e-PHI).',
  ]);
});

test('workloads are grouped by their set of security groups', () => {
  const model = modelOf(['App', template('paths/data-tier.json', (r) => {
    r.OtherFunction = { ...r.AppFunction };
  })]);
  expect(workloadGroupsOf(model).map((g) => `${g.description}: ${g.members.map((m) => m.resource.logicalId).join(' ')}`)).toEqual([
    'security group App/WebGroup: WebServer',
    'security group App/AppGroup: AppFunction OtherFunction',
    'security group App/DbGroup: Database',
  ]);
});

describe('another VPC', () => {
  // GIVEN: two copies of the three-tier app in two stacks, each VPC 10.0.0.0/16 with only its local route
  const model = modelOf(['App', template('reachability/three-tier.json')], ['Other', template('reachability/three-tier.json')]);
  const exposure = analyzeExposure(model).find((e) => e.store.workload.resource.stack.id === 'App')!;
  const otherApp = exposure.sources.find((s) => s.description === 'security group Other/AppGroup')!;

  test('a group in a VPC the database\'s subnets cannot be routed to is blocked by the route, for every port', () => {
    expect(ranges(otherApp)).toEqual(['BLOCKED tcp 0-65535 [route]', 'BLOCKED udp 0-65535 [route]']);
    expect(otherApp.ranges[0].decisions.map((d) => `${d.code} ${d.resource?.logicalId} ${d.entry}`)).toEqual(['ROUTE_WRONG_TARGET Vpc 10.0.0.0/16 -> local']);
  });

  test('explain agrees: BLOCKED, with the same route decision among its blockers', () => {
    const answer = model.explain({ from: { kind: 'workloads', keys: ['id:Other/AppService'], description: 'security group Other/AppGroup' }, to: { keys: ['id:App/Database'], description: 'App/Database' }, port: 5432, protocol: 6 });
    expect(answer.verdict).toBe('BLOCKED');
    expect(answer.blockers).toEqual(expect.arrayContaining([otherApp.ranges[0].decisions[0]]));
  });
});

describe('a placement unknown at synth decides only when it could change the answer', () => {
  // GIVEN: the database's subnet group names a subnet outside the app
  const model = modelOf(['App', template('reachability/three-tier.json', (r) => {
    r.DbSubnets.Properties.SubnetIds = ['subnet-0abc'];
  })]);
  const [exposure] = analyzeExposure(model);

  test('the internet and the load balancer are still blocked (no public address; no group rule admits them)', () => {
    expect(exposure.sources.map((s) => `${s.description} ${s.verdict}`)).toEqual([
      'the internet BLOCKED', 'security group App/LbGroup BLOCKED', 'security group App/AppGroup UNKNOWN',
    ]);
  });

  test('the application, which the group admits on 5432, is UNKNOWN there and BLOCKED on other ports', () => {
    expect(ranges(exposure.sources[2])).toEqual([
      'BLOCKED tcp 0-5431 [security-group]',
      'UNKNOWN tcp 5432 [placement]',
      'BLOCKED tcp 5433-65535 [security-group]',
      'BLOCKED udp 0-65535 [security-group]',
    ]);
    expect(exposure.sources[2].ranges[1].decisions[0].message).toMatch(/subnet subnet-0abc of App\/Database is not in the app/);
  });
});

test('property: every port of a range gets the verdict explain gives for that port', () => {
  const models = [
    modelOf(['App', template('reachability/three-tier.json')]),
    modelOf(['App', template('paths/data-tier.json')]),
    modelOf(['App', template('paths/public-database.json')]),
  ];
  const exposures = models.map((m) => analyzeExposure(m));
  fc.assert(fc.property(
    fc.integer({ min: 0, max: models.length - 1 }),
    fc.nat(),
    fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(0, 442, 443, 444, 1023, 1024, 5431, 5432, 5433, 8080, 65535)),
    fc.constantFrom(6, 17),
    (m, pick, port, protocol) => {
      const exposure = exposures[m].flatMap((e) => e.sources.map((s) => ({ e, s })));
      const { e, s } = exposure[pick % exposure.length];
      const range = s.ranges.find((r) => r.protocol === protocol && r.fromPort <= port && port <= r.toPort)!;
      const from = s.group ? { kind: 'workloads' as const, keys: s.group.members.map((w) => w.key), description: s.description } : { kind: 'internet' as const };
      const answer = models[m].explain({ from, to: { keys: [e.store.workload.key], description: e.store.workload.resource.path }, port, protocol });
      expect(range.verdict).toBe(answer.verdict);
    },
  ), { numRuns: 300 });
});

describe('security group rules with a prefix list, on the internet\'s reach to a load balancer', () => {
  const origin = (ingress: unknown[], extra: Record<string, unknown> = {}) => {
    const model = modelOf(['App', template('paths/cloudfront-origin.json', (r) => {
      r.LbGroup.Properties.SecurityGroupIngress = ingress;
      Object.assign(r, extra);
    })]);
    return ranges(internetExposure(model, model.workload('id:App/OriginAlb')!)).filter((r) => r.includes('tcp 443'));
  };
  const codes = (ingress: unknown[], extra: Record<string, unknown> = {}) => {
    const model = modelOf(['App', template('paths/cloudfront-origin.json', (r) => {
      r.LbGroup.Properties.SecurityGroupIngress = ingress;
      Object.assign(r, extra);
    })]);
    return internetExposure(model, model.workload('id:App/OriginAlb')!).ranges.filter((r) => r.fromPort <= 443 && 443 <= r.toPort && r.protocol === 6)
      .flatMap((r) => r.decisions.filter((d) => d.layer === 'security-group').map((d) => d.code));
  };
  const https = (peer: Record<string, unknown>) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...peer });
  const appList = (entries: unknown) => ({ MyList: { Type: 'AWS::EC2::PrefixList', Properties: { PrefixListName: 'mine', AddressFamily: 'IPv4', MaxEntries: 5, Entries: entries } } });

  test('GIVEN a prefix list named by its id WHEN judged THEN unknown, as a front door\'s list', () => {
    expect(codes([https({ SourcePrefixListId: 'pl-3b927c52' })])).toEqual(['SG_INGRESS_PREFIX_LIST_UNKNOWN']);
  });

  test.each([
    ['an imported prefix list id', [https({ SourcePrefixListId: { 'Fn::ImportValue': 'SomeList' } })], {}],
    ['the app\'s own list with an entry not known', [https({ SourcePrefixListId: { Ref: 'MyList' } })], appList([{ Cidr: { 'Fn::ImportValue': 'SomeCidr' } }])],
  ])('GIVEN %s WHEN judged THEN unknown for another reason: not a front door\'s list', (_, ingress, extra) => {
    expect(codes(ingress, extra)).toEqual(['SG_INGRESS_RULE_UNKNOWN']);
  });

  test('GIVEN the front door\'s list and a CIDR not known, in either order WHEN judged THEN the CIDR\'s unknown is the one reported', () => {
    const cidr = https({ CidrIp: { 'Fn::ImportValue': 'OfficeCidr' } });
    const list = https({ SourcePrefixListId: 'pl-3b927c52' });
    expect(codes([list, cidr])).toEqual(['SG_INGRESS_RULE_UNKNOWN']);
    expect(codes([cidr, list])).toEqual(['SG_INGRESS_RULE_UNKNOWN']);
  });

  test('GIVEN the app\'s own list with an unknown entry, admitted on another port WHEN tcp 443 is judged THEN it decides nothing there', () => {
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, SourcePrefixListId: { Ref: 'MyList' } };
    expect(origin([https({ CidrIp: '0.0.0.0/0' }), ssh], appList([{ Cidr: { 'Fn::ImportValue': 'SomeCidr' } }]))).toEqual([expect.stringMatching(/^REACHABLE tcp 443 /)]);
    expect(codes([ssh], appList([{ Cidr: { 'Fn::ImportValue': 'SomeCidr' } }]))).toEqual(['SG_INGRESS_NO_RULE']);
  });
});

