// The jsii API on a CDK app: an internet-facing ALB in public subnets, an instance and a PostgreSQL database in
// isolated subnets, the database in a second stack (so its subnets and groups cross stacks). Answers worked out by
// hand: CDK's VPC keeps the default NACL (allow all), public subnets route 0.0.0.0/0 to the IGW, isolated subnets
// have only the local route.
import { App, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { FlowEndpoint, FlowLayer, FlowVerdict, HipaaSecureVpc, NetworkReachability } from '../../src';

function threeTierApp() {
  const app = new App();
  const network = new Stack(app, 'Network');
  const vpc = new ec2.Vpc(network, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const alb = new elbv2.ApplicationLoadBalancer(network, 'Alb', { vpc, internetFacing: true });
  alb.addListener('Http', { port: 80, open: true }).addAction('Fixed', { action: elbv2.ListenerAction.fixedResponse(200) });
  const appServer = new ec2.Instance(network, 'AppServer', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const data = new Stack(app, 'Data');
  const database = new rds.DatabaseInstance(data, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    storageEncrypted: true,
  });
  database.connections.allowDefaultPortFrom(appServer);
  return { network, data, alb, appServer, database };
}

describe('NetworkReachability on a CDK app', () => {
  const { network, alb, appServer, database } = threeTierApp();
  const net = NetworkReachability.fromStack(network);

  test('the internet reaches the load balancer on its listener, not on other ports', () => {
    // WHEN
    const open = net.explain({ from: FlowEndpoint.internet(), to: FlowEndpoint.construct(alb), port: 80 });
    // THEN
    expect(open.verdict).toBe(FlowVerdict.REACHABLE);
    expect(open.hops.map((h) => h.layer)).toEqual([
      FlowLayer.LOAD_BALANCER, FlowLayer.ROUTE, FlowLayer.ROUTE, FlowLayer.NACL, FlowLayer.NACL, FlowLayer.SECURITY_GROUP,
    ]);
    net.assertBlocked({ from: FlowEndpoint.internet(), to: FlowEndpoint.construct(alb), port: 443 });
  });

  test('the internet cannot reach the database in the other stack, and each blocker names its construct', () => {
    const why = net.explain({ from: FlowEndpoint.internet(), to: FlowEndpoint.construct(database), port: 5432 });
    expect(why.verdict).toBe(FlowVerdict.BLOCKED);
    expect(why.blockers.map((b) => `${b.layer} ${b.code} ${b.stackName}`).sort()).toEqual([
      'ROUTE NO_PUBLIC_ADDRESS Data',
      // The database's subnet group spans the two isolated subnets, neither of which routes to the IGW.
      'ROUTE NO_ROUTE_TO_INTERNET_GATEWAY Network',
      'ROUTE NO_ROUTE_TO_INTERNET_GATEWAY Network',
      'SECURITY_GROUP SG_INGRESS_NO_RULE Data',
    ]);
    const group = why.blockers.find((b) => b.code === 'SG_INGRESS_NO_RULE')!;
    expect(group.cdkPath).toBe('Data/Db/SecurityGroup/Resource');
  });

  test('the application server reaches the database on 5432 through the group reference, not on 3306', () => {
    net.assertReachable({ from: FlowEndpoint.construct(appServer), to: FlowEndpoint.construct(database), port: 5432 });
    net.assertBlocked({ from: FlowEndpoint.construct(appServer), to: FlowEndpoint.construct(database), port: 3306 });
  });

  test('a logical id names the same workload as its construct', () => {
    const dbLogicalId = Stack.of(database).resolve((database.node.defaultChild as rds.CfnDBInstance).logicalId);
    const why = net.explain({ from: FlowEndpoint.construct(appServer), to: FlowEndpoint.logicalId('Data', dbLogicalId), port: 5432 });
    expect(why.verdict).toBe(FlowVerdict.REACHABLE);
  });

  test('a failing assertion throws the explanation: the verdict, the flow and every blocker', () => {
    expect(() => net.assertReachable({ from: FlowEndpoint.ipAddress('203.0.113.9'), to: FlowEndpoint.construct(database), port: 5432 }))
      .toThrow(/Expected the flow to be REACHABLE, but it is BLOCKED: tcp 5432 from 203\.0\.113\.9 to Data\/Db\n.*\n  - route NO_PUBLIC_ADDRESS: Data\/Db\/Resource has no public address/);
    expect(() => net.assertBlocked({ from: FlowEndpoint.internet(), to: FlowEndpoint.construct(alb), port: 80 }))
      .toThrow(/Expected the flow to be BLOCKED, but it is REACHABLE: tcp 80 from the internet to Network\/Alb\nPath:/);
  });

  test('bad queries fail with a clear error', () => {
    expect(() => net.explain({ from: FlowEndpoint.internet(), to: FlowEndpoint.internet(), port: 80 })).toThrow(/destination must be a construct or a logical id/);
    expect(() => net.explain({ from: FlowEndpoint.internet(), to: FlowEndpoint.construct(alb), port: 70000 })).toThrow(/port 70000 is not a port number/);
    expect(() => net.explain({ from: FlowEndpoint.internet(), to: FlowEndpoint.logicalId('Data', 'Nope'), port: 80 })).toThrow(/no workload 'Nope' in stack 'Data'/);
  });
});

describe('NetworkReachability: egress through HipaaSecureVpc with egressAllowedDomains', () => {
  // GIVEN a HipaaSecureVpc whose application tier reaches the internet through NAT and a domain allowlist firewall
  const app = new App();
  const stack = new Stack(app, 'Egress', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new HipaaSecureVpc(stack, 'Network', { maxAzs: 2, egressAllowedDomains: ['api.example.com', '.amazonaws.com'] });
  const worker = new ec2.Instance(stack, 'Worker', {
    vpc,
    vpcSubnets: { subnetGroupName: 'Application' },
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const net = NetworkReachability.fromStack(stack);

  test('an allowlisted domain gets out on 443; another is dropped by the firewall; without a domain the answer is UNKNOWN', () => {
    // WHEN / THEN
    const out = net.explain({ from: FlowEndpoint.construct(worker), to: FlowEndpoint.internet(), port: 443, domain: 'api.example.com' });
    expect(out.verdict).toBe(FlowVerdict.REACHABLE);
    expect(out.hops.map((h) => h.layer)).toContain(FlowLayer.NETWORK_FIREWALL);
    const blocked = net.explain({ from: FlowEndpoint.construct(worker), to: FlowEndpoint.internet(), port: 443, domain: 'exfiltrate.example.net' });
    expect(blocked.verdict).toBe(FlowVerdict.BLOCKED);
    expect(blocked.blockers.map((b) => `${b.layer} ${b.code}`)).toEqual([`${FlowLayer.NETWORK_FIREWALL} FIREWALL_DEFAULT_DROP`]);
    const unknown = net.explain({ from: FlowEndpoint.construct(worker), to: FlowEndpoint.internet(), port: 443 });
    expect(unknown.verdict).toBe(FlowVerdict.UNKNOWN);
    expect(unknown.message).toMatch(/give the query a domain/);
  });

  test('an egress flow needs a workload as its source', () => {
    expect(() => net.explain({ from: FlowEndpoint.internet(), to: FlowEndpoint.internet(), port: 443 })).toThrow(/starts at a construct or a logical id/);
  });
});

describe('NetworkReachability over IPv6: a dual-stack HipaaSecureVpc', () => {
  // GIVEN a dual-stack VPC, a dual-stack internet-facing ALB open on 443, an IPv4-only internal ALB
  const app = new App();
  const stack = new Stack(app, 'DualStack', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new HipaaSecureVpc(stack, 'Network', { maxAzs: 2, ipProtocol: ec2.IpProtocol.DUAL_STACK });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true, ipAddressType: elbv2.IpAddressType.DUAL_STACK });
  alb.addListener('Https', { port: 443, protocol: elbv2.ApplicationProtocol.HTTP, open: true })
    .addAction('Ok', { action: elbv2.ListenerAction.fixedResponse(200) });
  const alb4 = new elbv2.ApplicationLoadBalancer(stack, 'Alb4', { vpc, internetFacing: true });
  alb4.addListener('Https', { port: 443, protocol: elbv2.ApplicationProtocol.HTTP, open: true })
    .addAction('Ok', { action: elbv2.ListenerAction.fixedResponse(200) });
  const net = NetworkReachability.fromStack(stack);

  test('the internet reaches the dual-stack ALB over IPv6; the IPv4-only ALB is not reachable over IPv6', () => {
    net.assertReachable({ from: FlowEndpoint.internetIpv6(), to: FlowEndpoint.construct(alb), port: 443 });
    net.assertReachable({ from: FlowEndpoint.ipAddress('2001:db8::1'), to: FlowEndpoint.construct(alb), port: 443 });
    const why = net.explain({ from: FlowEndpoint.internetIpv6(), to: FlowEndpoint.construct(alb4), port: 443 });
    expect(why.verdict).toBe(FlowVerdict.BLOCKED);
    // No IPv6 address; and `open: true` on an IPv4 load balancer admits 0.0.0.0/0 only, not ::/0.
    expect([...new Set(why.blockers.map((b) => b.code))]).toEqual(['NO_IPV6_ADDRESS', 'SG_INGRESS_NO_RULE']);
  });
});

describe('NetworkReachability.exposure on a CDK app', () => {
  // GIVEN: the app above, with the ALB tagged as holding e-PHI (any workload can be)
  const { network, alb, appServer } = threeTierApp();
  Tags.of(alb).add('cdk-layered-defense:data-classification', 'e-PHI');
  const net = NetworkReachability.fromStack(network);
  const exposure = net.exposure();

  test('lists the database and the tagged load balancer, each with why it is a data store', () => {
    expect(exposure.map((e) => `${e.stackName} ${e.resourceType} ${e.reason}`).sort()).toEqual([
      'Data AWS::RDS::DBInstance an RDS DB instance',
      'Network AWS::ElasticLoadBalancingV2::LoadBalancer tagged cdk-layered-defense:data-classification=e-PHI',
    ]);
  });

  test('the database: the internet is blocked everywhere; the application server\'s group reaches tcp 5432 only', () => {
    const db = exposure.find((e) => e.stackName === 'Data')!;
    expect(db.sources[0]).toMatchObject({ description: 'the internet', internet: true, verdict: FlowVerdict.BLOCKED });
    const app = db.sources.find((s) => s.workloads.includes(`${appServer.node.path}/Resource`))!;
    expect(app.verdict).toBe(FlowVerdict.REACHABLE);
    expect(app.portRanges.filter((r) => r.verdict === FlowVerdict.REACHABLE).map((r) => `${r.protocol} ${r.fromPort}-${r.toPort}`)).toEqual(['TCP 5432-5432']);
    const admitted = app.portRanges.find((r) => r.verdict === FlowVerdict.REACHABLE)!.decidedBy;
    // The deciding rule is the ingress rule CDK adds to the database's group for the application server's group.
    expect(admitted.map((d) => `${d.layer} ${d.cdkPath}`)).toEqual([`${FlowLayer.SECURITY_GROUP} Data/Db/SecurityGroup/from NetworkAppServerInstanceSecurityGroupF8CD8042:{IndirectPort}`]);
  });

  test('the tagged load balancer is reachable from the internet on its listener port, and the summary says so', () => {
    const lb = exposure.find((e) => e.stackName === 'Network')!;
    expect(lb.sources[0].portRanges.filter((r) => r.verdict === FlowVerdict.REACHABLE).map((r) => `${r.protocol} ${r.fromPort}-${r.toPort}`)).toEqual(['TCP 80-80']);
    expect(net.exposureSummary()).toMatch(/\n {4}the internet: REACHABLE on tcp 80 \(admitted by Network\/Alb\/SecurityGroup\/Resource "ingress tcp 80 from 0\.0\.0\.0\/0"\)/);
  });
});
