// `cdk-layered-defense explain` end to end: the template reader, the reachability engine and the command line on
// CDK-free fixtures. Answers worked out by hand from the fixtures:
// - yaml/bastion-and-db.yaml (one stack, short forms): a bastion with a public address in a public subnet that routes
//   to the internet gateway, admitted on SSH from parameter AdminCidr (default 203.0.113.0/24); a database in an
//   isolated subnet (main route table: the local route only), admitted on 5432 from the bastion's group; default NACL.
// - assemblies/reachability (a cloud assembly: stacks hipaa-network and hipaa-data, with aws:cdk:path metadata): an
//   internet-facing ALB (listener 443) in a public subnet whose NACL denies 203.0.113.0/24 at rule 10 both ways; an
//   application server; a database in the data stack, placed in the network stack's subnet and admitting its
//   application group through Fn::ImportValue.
// - reachability/cross-stack (two template files, imports) and reachability/three-tier.json (a second app with the
//   same logical ids, for ambiguity).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { cli, runReal } from './cli-harness';
import { buildExampleApp, DATABASE_PORT, EXAMPLE_CONTEXT } from '../../examples/hipaa-app';

const ROOT = path.join(__dirname, '..', '..');
const YAML = 'test/fixtures/templates/reachability/yaml/bastion-and-db.yaml';
const ASSEMBLY = 'test/fixtures/assemblies/reachability';
const CROSS = ['Network', 'Data'].map((s) => `test/fixtures/templates/reachability/cross-stack/${s}.template.json`);
const THREE_TIER = 'test/fixtures/templates/reachability/three-tier.json';

function run(argv: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  return runReal(argv, cwd);
}

function json(argv: string[]): any {
  const result = run([...argv, '--format', 'json']);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

/** `LAYER CODE stack/logicalId` of each decision, for compact assertions. */
function sites(decisions: any[]): string[] {
  return decisions.map((d) => `${d.layer} ${d.code} ${d.stackName}/${d.logicalId}`);
}

describe('explain on a YAML template with short forms', () => {
  test('GIVEN the internet WHEN it asks for the database THEN BLOCKED, exit 0, with every blocker and where it sits', () => {
    // WHEN
    const { code, stdout, stderr } = run(['explain', YAML, '--from', 'internet', '--to', 'Database', '--port', '5432']);

    // THEN
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toEqual([
      'BLOCKED: tcp 5432 from the internet to Database',
      'Blocked by:',
      '  - route NO_PUBLIC_ADDRESS: bastion-and-db/Database has no public address, so nothing outside its VPC can address it from the internet [bastion-and-db Database]',
      '  - route NO_ROUTE_TO_INTERNET_GATEWAY: subnet bastion-and-db/DataSubnet has no route to an internet gateway for the internet, so responses cannot return [bastion-and-db DataSubnet]',
      "  - security-group SG_INGRESS_NO_RULE: no inbound rule of bastion-and-db/Database's security group bastion-and-db/DbGroup admits tcp 5432 from the internet [bastion-and-db DbGroup]",
      '',
    ]);
  });

  test('GIVEN the bastion WHEN it asks for the database THEN REACHABLE with the path: routes, NACLs, both groups', () => {
    const answer = json(['explain', YAML, '--from', 'Bastion', '--to', 'Database', '--port', '5432']);
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.blockers).toEqual([]);
    expect(answer.hops.map((h: any) => h.layer)).toEqual(['ROUTE', 'ROUTE', 'NACL', 'NACL', 'NACL', 'NACL', 'SECURITY_GROUP', 'SECURITY_GROUP']);
    expect(answer.hops.slice(-2).map((h: any) => [h.code, h.logicalId])).toEqual([['SG_INGRESS_ALLOW', 'DbGroup'], ['SG_EGRESS_ALLOW', 'BastionGroup']]);
    // The text says it hop by hop too.
    const text = run(['explain', YAML, '--from', 'Bastion', '--to', 'Database', '--port', '5432']).stdout;
    expect(text).toMatch(/^REACHABLE: tcp 5432 from Bastion to Database\nPath:\n {2}- route: subnet bastion-and-db\/PublicSubnet routes traffic to bastion-and-db\/Database by the local route 10\.1\.0\.0\/16 -> local/);
    expect(text).toContain('  - security-group: bastion-and-db/DbGroup admits inbound tcp 5432 from bastion-and-db/Bastion');
  });

  test('GIVEN --parameter WHEN the admin CIDR admits the client THEN SSH to the bastion turns REACHABLE', () => {
    // GIVEN the default AdminCidr (203.0.113.0/24): 192.0.2.10 is not admitted
    const before = json(['explain', YAML, '--from', '192.0.2.10', '--to', 'Bastion', '--port', '22']);
    expect(before.verdict).toBe('BLOCKED');
    expect(sites(before.blockers)).toEqual(['SECURITY_GROUP SG_INGRESS_NO_RULE bastion-and-db/BastionGroup']);
    // WHEN the parameter admits it
    const after = json(['explain', YAML, '--from', '192.0.2.10', '--to', 'Bastion', '--port', '22', '--parameter', 'AdminCidr=192.0.2.0/24']);
    // THEN
    expect(after.verdict).toBe('REACHABLE');
    expect(after.hops.find((h: any) => h.layer === 'SECURITY_GROUP')).toMatchObject({ logicalId: 'BastionGroup', decidingEntry: 'ingress tcp 22 from 192.0.2.0/24' });
  });

  test('UDP is judged as UDP: the bastion admits no UDP', () => {
    const answer = json(['explain', YAML, '--from', '203.0.113.5', '--to', 'Bastion', '--port', '22', '--protocol', 'udp']);
    expect(answer.flow).toBe('udp 22 from 203.0.113.5 to Bastion');
    expect(answer.verdict).toBe('BLOCKED');
    expect(json(['explain', YAML, '--from', '203.0.113.5', '--to', 'Bastion', '--port', '22']).verdict).toBe('REACHABLE');
  });

  test('GIVEN a template file WHEN the path takes its internet gateway and default NACL THEN each hop names them as the app does', () => {
    // WHEN
    const { stdout } = run(['explain', YAML, '--from', '203.0.113.5', '--to', 'Bastion', '--port', '22']);

    // THEN the route names the gateway by stack and logical id (the file's stack id is its absolute path, which
    // the text must not show), and the two default NACL hops say which direction each allows
    expect(stdout).toContain('routes responses to 203.0.113.5 to an internet gateway by "0.0.0.0/0 -> GatewayId bastion-and-db/Igw"');
    expect(stdout).not.toContain(path.resolve(ROOT, YAML));
    expect(stdout).toContain("uses its VPC's default NACL, which allows all inbound traffic (rule 100) [");
    expect(stdout).toContain("uses its VPC's default NACL, which allows all outbound traffic (rule 100), the responses included [");
  });
});

describe('explain on a SAM template', () => {
  test('GIVEN a SAM function in a VPC WHEN it asks for the database THEN REACHABLE, the function placed by its VpcConfig', () => {
    // WHEN
    const answer = json(['explain', 'test/fixtures/templates/sam/vpc-function.yaml', '--from', 'Fn', '--to', 'Db', '--port', '5432']);
    // THEN
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.filter((h: any) => h.layer === 'SECURITY_GROUP').map((h: any) => [h.code, h.logicalId])).toEqual([['SG_INGRESS_ALLOW', 'DbSg'], ['SG_EGRESS_ALLOW', 'FnSg']]);
  });
});

describe('explain on a cloud assembly of two stacks', () => {
  test('construct paths name workloads; the database imports its subnet and its peer group from the network stack', () => {
    // WHEN the application server asks for the database, both by construct path
    const answer = json(['explain', ASSEMBLY, '--from', 'Network/AppServer', '--to', 'Data/Database', '--port', '5432']);
    // THEN the path crosses the stacks: the database's group (data stack) admits the imported application group
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.query.from.workloads).toEqual([{ stackName: 'hipaa-network', logicalId: 'AppServer', type: 'AWS::EC2::Instance', cdkPath: 'Network/AppServer/Resource' }]);
    expect(answer.query.to.workloads).toEqual([{ stackName: 'hipaa-data', logicalId: 'Database', type: 'AWS::RDS::DBInstance', cdkPath: 'Data/Database/Resource' }]);
    expect(answer.hops.find((h: any) => h.code === 'SG_INGRESS_ALLOW')).toMatchObject({
      stackName: 'hipaa-data', logicalId: 'DatabaseIngressFromApp', cdkPath: 'Data/Database/SecurityGroup/from NetworkAppSecurityGroup:5432',
    });
    // AND 3306 is not admitted
    expect(sites(json(['explain', ASSEMBLY, '--from', 'Network/AppServer', '--to', 'Data/Database', '--port', '3306']).blockers))
      .toEqual(['SECURITY_GROUP SG_INGRESS_NO_RULE hipaa-data/DatabaseSecurityGroup']);
  });

  test('a blocked address is stopped by the NACL in both directions, named by rule number and construct path', () => {
    const { code, stdout } = run(['explain', ASSEMBLY, '--from', '203.0.113.9', '--to', 'Network/Alb', '--port', '443', '--expect', 'blocked']);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'BLOCKED: tcp 443 from 203.0.113.9 to Network/Alb',
      'Blocked by:',
      '  - nacl NACL_INBOUND_DENY: NACL Network/Blocklist/NetworkAcl/Resource of subnet Network/Vpc/PublicSubnet1/Subnet denies inbound tcp 443 by ingress rule 10 [hipaa-network BlocklistNacl at Network/Blocklist/NetworkAcl/Resource, rule 10]',
      "  - nacl NACL_RETURN_DENY: NACL Network/Blocklist/NetworkAcl/Resource of subnet Network/Vpc/PublicSubnet1/Subnet denies outbound return traffic (tcp to the client's ephemeral port 1024, of 1024-65535) by egress rule 10 [hipaa-network BlocklistNacl at Network/Blocklist/NetworkAcl/Resource, rule 10]",
      'Expected: BLOCKED (as expected)',
      '',
    ]);
  });

  test('stack names, assembly ids and logical ids name the same workload', () => {
    const verdicts = ['hipaa-data/Database', 'Data/Database', 'Database', '/Data/Database/Resource'].map((to) =>
      json(['explain', ASSEMBLY, '--from', 'internet', '--to', to, '--port', '5432']));
    expect(verdicts.map((a) => a.verdict)).toEqual(['BLOCKED', 'BLOCKED', 'BLOCKED', 'BLOCKED']);
    expect(new Set(verdicts.map((a) => JSON.stringify(a.blockers))).size).toBe(1);
    // The database omits PubliclyAccessible in a VPC with an internet gateway, so RDS gives it a public address: the
    // data subnet's routes and the group block it
    expect(sites(verdicts[0].blockers)).toEqual([
      'ROUTE NO_ROUTE_TO_INTERNET_GATEWAY hipaa-network/VpcDataSubnet',
      'SECURITY_GROUP SG_INGRESS_NO_RULE hipaa-data/DatabaseSecurityGroup',
    ]);
  });

  test('--http-path on a load balancer without a web ACL: reachable, and the note says the path was not judged', () => {
    const answer = json(['explain', ASSEMBLY, '--from', 'internet', '--to', 'Network/Alb', '--port', '443', '--http-path', '/admin']);
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.query.httpPath).toBe('/admin');
    expect(answer.notes).toEqual(['no web ACL is associated with Network/Alb/Resource: the HTTP path is not judged']);
  });
});

describe('explain across template files', () => {
  test('imports between two template files link the stacks', () => {
    const answer = json(['explain', ...CROSS, '--from', 'Network/AppService', '--to', 'Data/Database', '--port', '5432']);
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.find((h: any) => h.layer === 'SECURITY_GROUP')).toMatchObject({ stackName: 'Data', logicalId: 'DbGroup', code: 'SG_INGRESS_ALLOW' });
  });

  test('a WAF decides an HTTP path: an outsider is blocked on /admin, with the web ACL rule named', () => {
    const answer = json(['explain', THREE_TIER, '--from', '192.0.2.44', '--to', 'Alb', '--port', '443', '--http-path', '/admin']);
    expect(answer.verdict).toBe('BLOCKED');
    expect(answer.blockers.map((b: any) => [b.layer, b.logicalId])).toEqual([['WAF', 'WebAcl']]);
  });
});

describe('exit codes', () => {
  test('--expect: 0 when the answer is the one expected, 1 when it differs (and the output says so)', () => {
    const args = ['explain', YAML, '--from', 'internet', '--to', 'Database', '--port', '5432'];
    expect(run([...args, '--expect', 'blocked']).code).toBe(0);
    const differs = run([...args, '--expect', 'reachable']);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toMatch(/\nExpected: REACHABLE, but the answer is BLOCKED\n$/);
    expect(JSON.parse(run([...args, '--expect', 'REACHABLE', '--format', 'json']).stdout)).toMatchObject({ expected: 'REACHABLE', asExpected: false });
  });

  test('--expect: UNKNOWN is neither blocked nor reachable (a public database in subnets the app does not hold)', () => {
    // GIVEN a publicly accessible database, open on 5432 to 0.0.0.0/0, in a subnet group imported from another stack:
    // every layer that could block depends on the subnets' routes and NACLs, which are not in the app
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'explain-unknown-'));
    const file = path.join(dir, 'data.json');
    fs.writeFileSync(file, JSON.stringify({
      Resources: {
        DbGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { 'Fn::ImportValue': 'Network-VpcId' }, GroupDescription: 'database', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '0.0.0.0/0' }] } },
        Database: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', PubliclyAccessible: true, DBSubnetGroupName: { 'Fn::ImportValue': 'Network-DbSubnets' }, VPCSecurityGroups: [{ 'Fn::GetAtt': ['DbGroup', 'GroupId'] }] } },
      },
    }));
    try {
      const args = ['explain', file, '--from', 'internet', '--to', 'Database', '--port', '5432'];
      // WHEN explained
      const answer = json(args);
      // THEN UNKNOWN, naming the placement, and --expect either way exits 1
      expect(answer.verdict).toBe('UNKNOWN');
      expect(answer.unknowns.map((u: any) => u.code)).toEqual(['PLACEMENT_UNKNOWN']);
      expect(run([...args, '--expect', 'blocked']).code).toBe(1);
      expect(run([...args, '--expect', 'reachable']).code).toBe(1);
      expect(run(args).code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unknown placement that cannot change the answer: the data stack alone is still BLOCKED from the internet', () => {
    // GIVEN the data stack alone: its subnet and groups are imports nothing exports, so whether the database (which
    // omits PubliclyAccessible) has a public address is not known either, but its group admits only the imported
    // application group
    const answer = json(['explain', CROSS[1], '--from', 'internet', '--to', 'Database', '--port', '5432']);
    // THEN BLOCKED by the group, and the unknown placement is still named
    expect(answer.verdict).toBe('BLOCKED');
    expect(sites(answer.blockers)).toEqual(['SECURITY_GROUP SG_INGRESS_NO_RULE Data/DbGroup']);
    expect(answer.unknowns.map((u: any) => u.code)).toEqual(['PLACEMENT_UNKNOWN']);
  });

  test.each<[string, string[], RegExp]>([
    ['an unknown logical id lists close candidates', ['--from', 'AppServr', '--to', 'Data/Database', '--port', '5432'],
      /^cdk-layered-defense: --from 'AppServr' is not internet, an IP address or CIDR, or a resource of the app; did you mean AppServer \(Network\/AppServer\)\?\n$/],
    ['a resource that is not a workload', ['--from', 'internet', '--to', 'BlocklistNacl', '--port', '443'],
      /^cdk-layered-defense: --to 'BlocklistNacl' names AWS::EC2::NetworkAcl hipaa-network\/BlocklistNacl, which is not a workload: name a load balancer, instance, /],
    ['an address to an address', ['--from', 'internet', '--to', '10.2.1.7', '--port', '443'],
      /^cdk-layered-defense: --to '10\.2\.1\.7' is outside the app, and so is --from 'internet': a flow starts or ends at a workload/],
    ['a domain that is not a host name', ['--from', 'internet', '--to', 'Network/Alb', '--port', '443', '--domain', 'https://x'],
      /^cdk-layered-defense: --domain must be a host name such as api\.example\.com .*, not 'https:\/\/x'/],
    ['a malformed address', ['--from', '10.2.1.300', '--to', 'Network/Alb', '--port', '443'],
      /^cdk-layered-defense: --from '10\.2\.1\.300' is not an IP address or CIDR: /],
    ['a port out of range', ['--from', 'internet', '--to', 'Network/Alb', '--port', '65536'],
      /^cdk-layered-defense: --port must be a port number from 0 to 65535, not '65536'\n$/],
    ['a port that is not a number', ['--from', 'internet', '--to', 'Network/Alb', '--port', '443/tcp'],
      /^cdk-layered-defense: --port must be a port number from 0 to 65535, not '443\/tcp'\n$/],
    ['no --port', ['--from', 'internet', '--to', 'Network/Alb'], /^cdk-layered-defense: explain needs --port N/],
    ['no --to', ['--from', 'internet', '--port', '443'], /^cdk-layered-defense: explain needs --to \(a workload\)/],
    ['no --from', ['--to', 'Network/Alb', '--port', '443'], /^cdk-layered-defense: explain needs --from \(internet, an IP address or CIDR, or a workload\)/],
    ['an unknown protocol', ['--from', 'internet', '--to', 'Network/Alb', '--port', '443', '--protocol', 'icmp'],
      /^cdk-layered-defense: --protocol must be one of tcp, udp, not 'icmp'\n$/],
    ['an unknown expectation', ['--from', 'internet', '--to', 'Network/Alb', '--port', '443', '--expect', 'open'],
      /^cdk-layered-defense: --expect must be one of reachable, blocked, not 'open'\n$/],
    ['an HTTP path without a slash', ['--from', 'internet', '--to', 'Network/Alb', '--port', '443', '--http-path', 'admin'],
      /^cdk-layered-defense: --http-path must be a URI path starting with '\/', not 'admin'\n$/],
    ['an HTTP path over UDP', ['--from', 'internet', '--to', 'Network/Alb', '--port', '443', '--protocol', 'udp', '--http-path', '/admin'],
      /^cdk-layered-defense: --http-path needs --protocol tcp/],
  ])('2 for %s, with one line naming the bad value', (_what, options, message) => {
    const { code, stdout, stderr } = run(['explain', ASSEMBLY, ...options]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('2 for a logical id two stacks share: it asks for Stack/LogicalId', () => {
    const { code, stderr } = run(['explain', THREE_TIER, ...CROSS, '--from', 'AppService', '--to', 'Data/Database', '--port', '5432']);
    expect(code).toBe(2);
    expect(stderr).toBe("cdk-layered-defense: --from 'AppService' is a logical id in 2 stacks (three-tier, Network): name one as three-tier/AppService, Network/AppService\n");
    // AND naming the stack answers
    expect(run(['explain', THREE_TIER, ...CROSS, '--from', 'Network/AppService', '--to', 'Data/Database', '--port', '5432']).code).toBe(0);
  });

  test('2 for no path, and for a path that cannot be read (one line naming it)', () => {
    expect(run(['explain', '--from', 'internet', '--to', 'Db', '--port', '1']).stderr).toMatch(/^cdk-layered-defense: explain needs at least one path/);
    const unreadable = run(['explain', 'test/fixtures/templates/invalid/truncated.json', '--from', 'internet', '--to', 'Db', '--port', '1']);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/^test\/fixtures\/templates\/invalid\/truncated\.json:\d+:\d+: [^\n]+\n$/);
  });
});

describe('the JSON shape', () => {
  test('every documented key is present, null where it does not apply', () => {
    const answer = json(['explain', ASSEMBLY, '--from', '203.0.113.9', '--to', 'Network/Alb', '--port', '443']);
    expect(Object.keys(answer)).toEqual(['version', 'query', 'flow', 'verdict', 'expected', 'asExpected', 'blockers', 'unknowns', 'hops', 'notes']);
    expect(answer).toMatchObject({ version: 1, expected: null, asExpected: null, verdict: 'BLOCKED', unknowns: [], hops: [], notes: [] });
    expect(answer.query).toEqual({
      from: { given: '203.0.113.9', kind: 'address', workloads: [] },
      to: { given: 'Network/Alb', kind: 'workloads', workloads: [{ stackName: 'hipaa-network', logicalId: 'Alb', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', cdkPath: 'Network/Alb/Resource' }] },
      port: 443,
      protocol: 'tcp',
      httpPath: null,
      domain: null,
    });
    expect(answer.blockers[0]).toEqual({
      layer: 'NACL',
      code: 'NACL_INBOUND_DENY',
      stackName: 'hipaa-network',
      logicalId: 'BlocklistNacl',
      cdkPath: 'Network/Blocklist/NetworkAcl/Resource',
      file: path.join(ASSEMBLY, 'Network.template.json'),
      decidingEntry: 'rule 10',
      message: 'NACL Network/Blocklist/NetworkAcl/Resource of subnet Network/Vpc/PublicSubnet1/Subnet denies inbound tcp 443 by ingress rule 10',
    });
  });
});

describe('explain on the synthesized example app (cdk.out)', () => {
  let outdir: string;
  beforeAll(() => {
    // The example's assembly as `cdk synth` writes it (the CDK CLI turns path metadata on); the checks are not needed.
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'explain-example-'));
    const context = { ...EXAMPLE_CONTEXT, 'aws:cdk:enable-path-metadata': true };
    buildExampleApp(new App({ outdir, context }), { checks: false }).synth();
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('the internet cannot reach the database: --expect blocked passes, --expect reachable fails the run', () => {
    const args = ['explain', outdir, '--from', 'internet', '--to', 'HipaaExample/Database', '--port', String(DATABASE_PORT)];
    const { code, stdout } = run([...args, '--expect', 'blocked']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^BLOCKED: tcp ${DATABASE_PORT} from the internet to HipaaExample/Database\nBlocked by:\n`));
    expect(stdout).toContain('  - route NO_PUBLIC_ADDRESS: HipaaExample/Database/Resource has no public address');
    expect(stdout).toMatch(/ {2}- security-group SG_INGRESS_NO_RULE: .* \[HipaaExample DatabaseSecurityGroup[0-9A-F]{8} at HipaaExample\/DatabaseSecurityGroup\/Resource\]\n/);
    expect(run([...args, '--expect', 'reachable']).code).toBe(1);
  });

  test('the application reaches the database on its port; the office reaches /admin; a blocklisted address does not reach the load balancer', () => {
    expect(run(['explain', outdir, '--from', 'HipaaExample/App', '--to', 'HipaaExample/Database', '--port', String(DATABASE_PORT), '--expect', 'reachable']).code).toBe(0);
    expect(run(['explain', outdir, '--from', '198.51.100.0/24', '--to', 'HipaaExample/Alb', '--port', '443', '--http-path', '/admin', '--expect', 'reachable']).code).toBe(0);
    const outsider = json(['explain', outdir, '--from', '192.0.2.44', '--to', 'HipaaExample/Alb', '--port', '443', '--http-path', '/admin']);
    expect(outsider.blockers.map((b: any) => `${b.layer} ${b.cdkPath} ${b.decidingEntry}`))
      .toEqual(["WAF HipaaExample/Network/AdminOnlyFromOffice/Resource rule 'PathAllowlist1'"]);
    const blocked = json(['explain', outdir, '--from', '203.0.113.9', '--to', 'HipaaExample/Alb', '--port', '443']);
    expect(new Set(blocked.blockers.map((b: any) => `${b.layer} ${b.cdkPath}`))).toEqual(new Set(['NACL HipaaExample/Network/Blocklist/NetworkAcl/Resource']));
  });

  test('check on the same assembly reports nothing', () => {
    expect(run(['check', outdir])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^No findings in 1 stack/) });
  });
});

describe('help', () => {
  test.each([[['explain', '--help']], [['help', 'explain']]])('%j shows every explain option and its exit codes', (argv) => {
    const { code, stdout } = cli(argv);
    expect(code).toBe(0);
    for (const option of ['--from internet|internet-ipv6|<ip or cidr>|<workload>', '--to <workload>|internet|<ip or cidr>', '--port <N>', '--protocol tcp|udp', '--http-path </path>', '--domain <host name>',
      '--format text|json', '--expect reachable|blocked', '--parameter KEY=VALUE']) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toContain('1  --expect, and the answer differs');
    expect(stdout).toContain('explain cdk.out --from internet --to HipaaExample/Database --port');
  });

  test('the tool help lists explain between check and diff', () => {
    const { stdout } = cli(['--help']);
    const commands = stdout.split('\n').filter((l) => /^ {2}(check|explain|diff) /.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(commands).toEqual(['check', 'explain', 'diff']);
    expect(stdout).toContain('explain --expect: the answer differs');
  });
});

describe('explain an egress flow: from a workload to the internet, through NAT and Network Firewall', () => {
  const EGRESS = 'test/fixtures/templates/reachability/yaml/egress-firewall.yaml';
  const egress = (extra: string[]) => ['explain', EGRESS, '--from', 'Worker', '--to', 'internet', ...extra];

  test('GIVEN an allowlisted domain WHEN the worker calls it on 443 THEN REACHABLE through NAT, firewall and IGW', () => {
    // GIVEN the fixture's allowlist (.amazonaws.com, api.example.com) WHEN asked with --domain api.example.com
    const answer = json(egress(['--port', '443', '--domain', 'api.example.com', '--expect', 'reachable']));
    // THEN the path names the worker's group, the NAT gateway route, the firewall's allowlist and the edge route back
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.asExpected).toBe(true);
    expect(answer.query.domain).toBe('api.example.com');
    expect(answer.query.to.kind).toBe('internet');
    const hops = sites(answer.hops);
    expect(hops).toEqual(expect.arrayContaining([
      expect.stringMatching(/^SECURITY_GROUP \S+ egress-firewall\/WorkerGroup$/),
      expect.stringMatching(/^ROUTE \S+ egress-firewall\/PrivateDefaultRoute$/),
      expect.stringMatching(/^NETWORK_FIREWALL \S+ egress-firewall\/Allowlist$/),
      expect.stringMatching(/^ROUTE \S+ egress-firewall\/EdgeToPublic$/),
    ]));
  });

  test('GIVEN a domain off the list WHEN the worker calls it THEN BLOCKED by the firewall default drop only, exit 0', () => {
    const { code, stdout } = run([...egress(['--port', '443', '--domain', 'exfil.example.net']), '--format', 'json']);
    const answer = JSON.parse(stdout);
    expect(code).toBe(0);
    expect(answer.verdict).toBe('BLOCKED');
    expect(sites(answer.blockers)).toEqual(['NETWORK_FIREWALL FIREWALL_DEFAULT_DROP egress-firewall/Policy']);
  });

  test('GIVEN no domain WHEN asked THEN UNKNOWN naming the allowlist, and --expect reachable exits 1', () => {
    const { code, stdout } = run(egress(['--port', '443', '--expect', 'reachable']));
    expect(code).toBe(1);
    expect(stdout).toMatch(/^UNKNOWN: tcp 443 from Worker to the internet\n/);
    expect(stdout).toContain('FIREWALL_DOMAIN_UNKNOWN');
    expect(stdout).toContain('Expected: REACHABLE, but the answer is UNKNOWN');
  });

  test('GIVEN a port the worker group does not allow out WHEN asked THEN BLOCKED by the security group egress', () => {
    const answer = json(egress(['--port', '22', '--domain', 'api.example.com']));
    expect(answer.verdict).toBe('BLOCKED');
    expect(sites(answer.blockers)).toEqual(['SECURITY_GROUP SG_EGRESS_NO_RULE egress-firewall/WorkerGroup']);
  });

  test.each([
    ['an address inside a subnet of the app', '10.20.2.7', /^cdk-layered-defense: --to 10\.20\.2\.7 is inside subnet egress-firewall\/PrivateSubnet of the app: .*name the workload there/],
    ['a CIDR that overlaps the app', '10.0.0.0/8', /^cdk-layered-defense: --to 10\.0\.0\.0\/8 overlaps subnet egress-firewall\/\w+ of the app/],
  ])('GIVEN %s as the destination WHEN asked THEN a usage error naming the subnet, exit 2 (not an internal error)', (_, to, message) => {
    const { code, stderr } = run(['explain', EGRESS, '--from', 'Worker', '--to', to, '--port', '443']);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test('GIVEN --http-path on an egress flow WHEN asked THEN a usage error (no web ACL outside the app), exit 2', () => {
    const { code, stderr } = run(egress(['--port', '443', '--http-path', '/x']));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--http-path asks the destination's web ACL, and 'internet' is outside the app/);
  });
});
