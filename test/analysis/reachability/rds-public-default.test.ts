// An RDS DB instance that does not set PubliclyAccessible: RDS makes it public when its subnet group's VPC has an
// internet gateway attached, private when it has none, and the default VPC (no subnet group) is never in the app.
// @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
// Expected answers are worked out by hand from test/fixtures/templates/paths/public-database.json: one VPC with an
// attached IGW, the public subnet routes 0.0.0.0/0 to it, the default NACL (allows all), and here the database group
// admits 198.51.100.0/24 on tcp 5432 only.
import * as fs from 'fs';
import * as path from 'path';
import { ReachabilityModel } from '../../../src/analysis/reachability/explain';
import { judge, ofRule } from '../support';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates');
const INTERNET = 'LayeredDefense-DataStoreInternetReachable';
const CANNOT = 'LayeredDefense-CannotVerify';

/** The public-database fixture with PubliclyAccessible omitted and the group admitting 198.51.100.0/24 on 5432. */
function database(change: (resources: any) => void = () => {}): any {
  const template = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'paths', 'public-database.json'), 'utf8'));
  const r = template.Resources;
  delete r.Database.Properties.PubliclyAccessible;
  r.DbGroup.Properties.SecurityGroupIngress[0].CidrIp = '198.51.100.0/24';
  change(r);
  return template;
}

function withoutGateway(r: any): void {
  delete r.Igw;
  delete r.IgwAttachment;
  delete r.PublicDefaultRoute;
}

function explain(template: any) {
  const model = ReachabilityModel.fromStacks([{ id: 'App', stackName: 'App', template }]);
  const answer = model.explain({ from: { kind: 'address', cidr: '198.51.100.7' }, to: { keys: ['id:App/Database'], description: 'App/Database' }, port: 5432, protocol: 6 });
  return { model, answer };
}

describe('an RDS DB instance without PubliclyAccessible', () => {
  test('in a VPC with an attached internet gateway it is public: reachable from 198.51.100.7 and DataStoreInternetReachable fires', () => {
    // GIVEN: PubliclyAccessible omitted, the subnet group's subnet in the VPC the IGW is attached to
    const template = database();
    // WHEN
    const { model, answer } = explain(template);
    // THEN: the model gives it a public address, and the flow is admitted by the route, the default NACL and the group
    expect(model.workload('id:App/Database')?.publicAddress).toEqual({ public: true });
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.map((d) => d.code)).toContain('PUBLIC_ADDRESS');
    const findings = ofRule(judge({ App: template }), INTERNET);
    expect(findings.map((f) => f.message)).toEqual(['data store App/Database (an RDS DB instance) is reachable from the internet on tcp 5432 '
      + '(admitted by App/DbGroup "ingress tcp 5432 from 198.51.100.0/24")']);
  });

  test('in a VPC with no internet gateway it is private: blocked, and the rule does not fire', () => {
    // GIVEN: the same app without the IGW, its attachment and the default route to it
    const template = database(withoutGateway);
    // WHEN
    const { model, answer } = explain(template);
    // THEN
    expect(model.workload('id:App/Database')?.publicAddress).toEqual({ public: false });
    expect(answer.verdict).toBe('BLOCKED');
    expect(answer.blockers.map((d) => d.code)).toContain('NO_PUBLIC_ADDRESS');
    const findings = judge({ App: template });
    expect(ofRule(findings, INTERNET)).toEqual([]);
    expect(ofRule(findings, CANNOT).filter((f) => f.message.includes(INTERNET))).toEqual([]);
  });

  test('an explicit PubliclyAccessible: false wins over the attached internet gateway', () => {
    // GIVEN: the public app, but PubliclyAccessible false
    const template = database((r) => {
      r.Database.Properties.PubliclyAccessible = false;
    });
    // WHEN
    const { model, answer } = explain(template);
    // THEN
    expect(model.workload('id:App/Database')?.publicAddress).toEqual({ public: false });
    expect(answer.verdict).toBe('BLOCKED');
    expect(ofRule(judge({ App: template }), INTERNET)).toEqual([]);
  });

  test('an internet gateway attached to another VPC of the app does not make it public', () => {
    // GIVEN: the IGW attached to a second VPC, not the database's
    const template = database((r) => {
      withoutGateway(r);
      r.OtherVpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } };
      r.OtherIgw = { Type: 'AWS::EC2::InternetGateway', Properties: {} };
      r.OtherAttachment = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'OtherVpc' }, InternetGatewayId: { Ref: 'OtherIgw' } } };
    });
    // THEN
    expect(explain(template).model.workload('id:App/Database')?.publicAddress).toEqual({ public: false });
  });

  test('an imported internet gateway attached to its VPC makes it public', () => {
    // GIVEN: the attachment names an IGW by id (not a resource of the app)
    const template = database((r) => {
      delete r.Igw;
      r.IgwAttachment.Properties.InternetGatewayId = 'igw-0123456789abcdef0';
      r.PublicDefaultRoute.Properties.GatewayId = 'igw-0123456789abcdef0';
    });
    // THEN
    expect(explain(template).model.workload('id:App/Database')?.publicAddress).toEqual({ public: true });
  });

  test('in an imported VPC the answer is UNKNOWN, naming the value', () => {
    // GIVEN: the subnets are the app's but their VPC is imported by id, the public subnet routing 0.0.0.0/0 to an
    // imported IGW (whether that gateway is attached to this VPC is not in the app)
    const template = database((r) => {
      delete r.Igw;
      delete r.IgwAttachment;
      r.PublicDefaultRoute.Properties.GatewayId = 'igw-0123456789abcdef0';
      delete r.Vpc;
      for (const subnet of ['PublicSubnet', 'AppSubnet', 'DataSubnet']) {
        r[subnet].Properties.VpcId = 'vpc-0abc';
      }
      r.PublicRouteTable.Properties.VpcId = 'vpc-0abc';
      r.DbGroup.Properties.VpcId = 'vpc-0abc';
    });
    // WHEN
    const { model, answer } = explain(template);
    // THEN
    const expected = 'PubliclyAccessible is not set and whether VPC vpc-0abc has an internet gateway';
    expect(model.workload('id:App/Database')?.publicAddress).toEqual({ unknown: expected });
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns.map((d) => d.message)).toContain(`whether App/Database gets a public address: ${expected} is not known at synth`);
  });

  test('with an imported subnet group, or none, the answer is unknown, naming the group or the default VPC', () => {
    // GIVEN: DBSubnetGroupName names a group by name
    const template = database((r) => {
      r.Database.Properties.DBSubnetGroupName = 'shared-db-subnets';
    });
    // THEN
    expect(explain(template).model.workload('id:App/Database')?.publicAddress)
      .toEqual({ unknown: 'PubliclyAccessible is not set and whether the VPC of subnet group shared-db-subnets has an internet gateway' });
    // AND without a subnet group RDS uses the default VPC, which is never in the app
    const noGroup = database((r) => {
      delete r.Database.Properties.DBSubnetGroupName;
    });
    expect(explain(noGroup).model.workload('id:App/Database')?.publicAddress)
      .toEqual({ unknown: 'PubliclyAccessible is not set and whether the default VPC (no DBSubnetGroupName) has an internet gateway' });
  });

  test('an Aurora cluster whose members omit PubliclyAccessible follows its subnet group\'s VPC; an explicit false keeps it private', () => {
    // GIVEN: a cluster in the public subnet group, its one member without PubliclyAccessible (nor a subnet group)
    const cluster = (publiclyAccessible?: boolean) => database((r) => {
      delete r.Database;
      r.Cluster = {
        Type: 'AWS::RDS::DBCluster',
        Properties: { Engine: 'aurora-postgresql', StorageEncrypted: true, DBSubnetGroupName: { Ref: 'DbSubnets' }, VpcSecurityGroupIds: [{ 'Fn::GetAtt': ['DbGroup', 'GroupId'] }] },
      };
      r.Member = {
        Type: 'AWS::RDS::DBInstance',
        Properties: { Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large', DBClusterIdentifier: { Ref: 'Cluster' }, PubliclyAccessible: publiclyAccessible },
      };
    });
    const publicOf = (template: any) => ReachabilityModel.fromStacks([{ id: 'App', stackName: 'App', template }]).workload('id:App/Cluster')?.publicAddress;
    // THEN: public with the IGW, private with an explicit false, private without the IGW
    expect(publicOf(cluster())).toEqual({ public: true });
    expect(publicOf(cluster(false))).toEqual({ public: false });
    expect(publicOf(database((r) => {
      withoutGateway(r);
      delete r.Database;
      r.Cluster = { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', DBSubnetGroupName: { Ref: 'DbSubnets' } } };
      r.Member = { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'aurora-postgresql', DBClusterIdentifier: { Ref: 'Cluster' } } };
    }))).toEqual({ public: false });
  });
});
