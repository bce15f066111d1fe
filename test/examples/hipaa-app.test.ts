import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import {
  APP_TLS_PORT,
  buildExampleApp,
  DATABASE_PORT,
  EXAMPLE_ACKNOWLEDGEMENTS,
  EXAMPLE_CONTEXT,
  EXAMPLE_STACK_ID,
  ExampleAcknowledgement,
  HipaaExampleStack,
} from '../../examples/hipaa-app';
import { mainJobStatus, summarizeAssembly } from '../../examples/synth-summary';
import { ipSetsFromTemplate, WafEvaluator, webAclsFromTemplate } from '../../src/analysis/model/waf-evaluator';
import { RULES } from '../../src/analysis/rules/registry';
import { FlowDecision, FlowEndpoint, FlowLayer, FlowVerdict, NetworkReachability } from '../../src/reachability';
import { Finding, synthFindings, unacknowledgedErrors } from '../support/validation';

/** An acknowledged violation as `validation-report.json` records it. */
interface ReportAcknowledgement {
  readonly plugin: string;
  readonly rule: string;
  readonly id: string;
  readonly scope: string;
  readonly reason: string;
}

const ROOT = path.join(__dirname, '..', '..');
const README = path.join(ROOT, 'README.md');

/** The README's example-app section: from its heading to the next top-level heading. */
function readmeExampleSection(): string {
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf('\n## The example app');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Synthesized once: the example app with every check attached, as the main job runs it. */
let outdir: string;
let findings: Finding[];
let acknowledgements: ReportAcknowledgement[];
let template: Template;
let manifest: { missing?: unknown[] };
let stack: HipaaExampleStack;
let layeredDefenseAnnotations: string[];

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-app-'));
  const app = buildExampleApp(new App({ outdir, context: EXAMPLE_CONTEXT }));
  stack = app.node.findChild(EXAMPLE_STACK_ID) as HipaaExampleStack;
  findings = synthFindings(app);
  layeredDefenseAnnotations = aspectAnnotations(outdir, /LayeredDefense-/);
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  acknowledgements = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const v of plugin.suppressedViolations ?? []) {
      acknowledgements.push({ plugin: plugin.pluginName, rule: v.ruleName, id: v.acknowledgedId, scope: v.acknowledgedAt, reason: v.reason });
    }
  }
  template = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, `${EXAMPLE_STACK_ID}.template.json`), 'utf8')));
  manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
});

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

/**
 * Error and warning annotations matching `pattern`, as `<construct path>: <message>`, read from the stack's metadata
 * file in the written assembly (where the CDK CLI reads them; errors fail its synth). Reading the assembly avoids
 * `Annotations.fromStack`, which would synthesize the app again.
 */
function aspectAnnotations(assemblyDir: string, pattern: RegExp): string[] {
  const metadata: Record<string, Array<{ type: string; data: unknown }>> = JSON.parse(
    fs.readFileSync(path.join(assemblyDir, `${EXAMPLE_STACK_ID}.metadata.json`), 'utf8'));
  return Object.entries(metadata).flatMap(([constructPath, entries]) => entries
    .filter((e) => (e.type === 'aws:cdk:error' || e.type === 'aws:cdk:warning') && pattern.test(String(e.data)))
    .map((e) => `${constructPath}: ${String(e.data)}`));
}

function key(a: { id: string; scope: string; reason: string }): string {
  return `${a.id} @ ${a.scope}: ${a.reason}`;
}

/** The logical id of a construct's CloudFormation resource (the construct itself, or its default child). */
function logicalIdOf(construct: IConstruct): string {
  const resource = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return stack.getLogicalId(resource);
}

describe('examples/hipaa-app.ts (the main job)', () => {
  describe('validation', () => {
    test('synthesizes offline through HIPAA.Security, AwsSolutions, cfn-guard and CloudFormation validation with no unacknowledged error', () => {
      // GIVEN the example app with every check attached (beforeAll) WHEN it synthesizes
      // THEN every plugin ran, no error is left unacknowledged, and no lookup was needed
      expect(new Set(findings.map((f) => f.plugin)))
        .toEqual(new Set(['LayeredDefense', 'HIPAA.Security', 'AwsSolutions', 'cdk-validator-cfnguard', 'CloudFormation Validate']));
      expect(unacknowledgedErrors(findings)).toEqual([]);
      expect(manifest.missing ?? []).toEqual([]);
    });

    test('our own checks run through both front doors and find nothing', () => {
      // THEN the LayeredDefense pack's only entry is the info that says it ran (which names no resource) ...
      expect(findings.filter((f) => f.plugin === 'LayeredDefense').map((f) => [f.rule, f.severity, f.paths]))
        .toEqual([['LayeredDefense-Ran', 'info', []]]);
      // ... and the aspect left no error or warning annotation
      expect(layeredDefenseAnnotations).toEqual([]);
    });

    test('our checks are attached: a misconfiguration added to the example is caught by both front doors', () => {
      // GIVEN the example app with an SSH rule opened to the internet on the application's security group
      const badOutdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-app-bad-'));
      const app = buildExampleApp(new App({ outdir: badOutdir, context: EXAMPLE_CONTEXT }));
      const bad = app.node.findChild(EXAMPLE_STACK_ID) as HipaaExampleStack;
      bad.appSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'temporary debugging');

      // WHEN it synthesizes
      const badFindings = synthFindings(app);

      // THEN the pack reports it, and the aspect's error annotation is in the written assembly
      expect(badFindings.filter((f) => f.plugin === 'LayeredDefense' && !f.acknowledged).map((f) => f.rule))
        .toContain('LayeredDefense-SgOpenIngress');
      expect(aspectAnnotations(badOutdir, /LayeredDefense-SgOpenIngress/).map((a) => a.split(': ')[0]))
        .toEqual([`/${bad.appSecurityGroup.node.path}/Resource`]);

      // AND the main job's summary says that synth failed, and which checkers failed it
      const summary = summarizeAssembly(badOutdir, 1);
      expect(summary[0]).toBe('Main job: synth FAILED (exit status 1).');
      expect(mainJobStatus(summary, 1)).toBe(1);
      // AND when `cdk synth` itself exits 0 (as it does for some policy-validation failures), the main job still fails
      const afterZero = summarizeAssembly(badOutdir, 0);
      expect(afterZero[0]).toMatch(/^Main job: FAILED: synth finished, but \d+ checkers reported errors\.$/);
      expect(mainJobStatus(afterZero, 0)).toBe(1);
      expect(summary).toEqual(expect.arrayContaining([
        expect.stringMatching(/^ {2}LayeredDefenseChecks \(aspect\) +1 error, 0 warnings, 0 acknowledged -> FAILED$/),
        expect.stringMatching(new RegExp(`^ {2}LayeredDefenseNagPack +1 error, 0 warnings, 0 acknowledged -> FAILED \\(ran ${RULES.length} of its ${RULES.length} rules on 1 stack\\)$`)),
      ]));
      fs.rmSync(badOutdir, { recursive: true, force: true });
    });

    test('leaves no unacknowledged warning either', () => {
      // THEN the main job's report is clean, not just free of errors (the pack's info entry is not a finding)
      expect(findings.filter((f) => !f.acknowledged && f.severity !== 'info')).toEqual([]);
    });

    test('every acknowledgement in the report carries a reason', () => {
      // THEN
      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const ack of acknowledgements) {
        expect(ack.reason?.trim().length ?? 0).toBeGreaterThan(20);
      }
    });

    test("the report's acknowledgements are exactly EXAMPLE_ACKNOWLEDGEMENTS", () => {
      // GIVEN the documented list WHEN compared with what the report acknowledged
      const documented = new Set(EXAMPLE_ACKNOWLEDGEMENTS.map(key));
      const reported = new Set(acknowledgements.map(key));

      // THEN each acknowledged finding is documented (same id, scope and reason), and each documented one is used
      expect([...reported].filter((k) => !documented.has(k))).toEqual([]);
      expect([...documented].filter((k) => !reported.has(k))).toEqual([]);
      expect(EXAMPLE_ACKNOWLEDGEMENTS.length).toBe(documented.size);
    });

    test('the example acknowledges at the resource, never at the stack or app', () => {
      // THEN every acknowledgement the example makes names a construct below the stack
      for (const ack of EXAMPLE_ACKNOWLEDGEMENTS.filter((a) => a.by === 'examples/hipaa-app.ts')) {
        expect(ack.scope.startsWith(`${EXAMPLE_STACK_ID}/`)).toBe(true);
        expect(ack.reason.trim().length).toBeGreaterThan(40);
      }
    });

    test('the README section documents every acknowledgement, row for row', () => {
      // GIVEN the README section's acknowledgement table
      const rows = readmeExampleSection().split('\n')
        .filter((line) => /^\|\s*`[^`]+::[^`]+`\s*\|/.test(line))
        .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, '')));

      // WHEN the rows are read as (id, scope, reason, by)
      const documented = rows.map(([id, scope, reason, by]): ExampleAcknowledgement => ({ id, scope, reason, by: by as ExampleAcknowledgement['by'] }));

      // THEN they equal EXAMPLE_ACKNOWLEDGEMENTS
      expect(documented.map((a) => `${key(a)} (${a.by})`).sort())
        .toEqual(EXAMPLE_ACKNOWLEDGEMENTS.map((a) => `${key(a)} (${a.by})`).sort());
    });
  });

  describe("the main job's summary (examples/synth-summary.ts)", () => {
    test('names every checker with its counts, the layers one line each, and where the templates and report are', () => {
      // GIVEN the example's assembly (beforeAll) WHEN the summary script runs on it, as the main job runs it
      const printed = execFileSync(process.execPath, [
        require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', path.join(ROOT, 'tsconfig.dev.json'),
        path.join(ROOT, 'examples', 'synth-summary.ts'), outdir, '0',
      ], { encoding: 'utf8' });
      const lines = printed.trim().split('\n');

      // THEN it says synth passed, and lists each checker that ran with its findings and acknowledgements
      expect(lines[0]).toBe('Main job: synth passed.');
      const checker = (label: string, counts: string) => new RegExp(`^  ${label.replace(/[().]/g, '\\$&')} +${counts}$`);
      for (const expected of [
        checker('LayeredDefenseChecks (aspect)', '0 errors, 0 warnings, 0 acknowledged'),
        checker('LayeredDefenseNagPack', `0 findings, 0 acknowledged \\(ran ${RULES.length} of its ${RULES.length} rules on 1 stack\\)`),
        checker('cdk-nag HIPAA.Security', '0 findings, [1-9]\\d* acknowledged'),
        checker('cdk-nag AwsSolutions', '0 findings, [1-9]\\d* acknowledged'),
        checker('cfn-guard Control Tower rules', '0 findings, [1-9]\\d* acknowledged'),
        checker("aws-cdk-lib's CloudFormation validation", '0 findings, [1-9]\\d* acknowledged'),
      ]) {
        expect(lines).toContainEqual(expect.stringMatching(expected));
      }

      // AND one line per layer, read from the template
      const layer = (name: string) => lines.find((l) => l.startsWith(`  ${name.padEnd(17)} `)) ?? `no ${name} line`;
      expect(layer('application')).toMatch(/web ACL Network\/AdminOnlyFromOffice on Alb: rules PathAllowlist1 \(block, IP sets 198\.51\.100\.0\/24 2001:db8:1::\/48\)/);
      expect(layer('subnet')).toBe('  subnet            NACL Network/Blocklist/NetworkAcl on 2 subnets denies 198.51.100.7/32, 203.0.113.0/24 in both directions');
      expect(layer('virtual firewall')).toMatch(new RegExp(`^ {2}virtual firewall +AppSecurityGroup admits only AlbSecurityGroup on tcp 8443; DatabaseSecurityGroup admits only AppSecurityGroup on tcp ${DATABASE_PORT}; AlbSecurityGroup admits anyone on tcp 443, tcp 80$`));
      expect(layer('transmission')).toMatch(/HTTPS 443 \(ELBSecurityPolicy-TLS13-1-2-2021-06\); HTTP 80 redirects to HTTPS 443; HTTPS 8443 to the targets$/);
      expect(layer('audit')).toMatch(/flow log of ALL traffic; WAF logging on 1 web ACL; access logs on 1 load balancer$/);

      // AND where the template and the report are
      expect(lines).toContain(`Templates: ${path.join(outdir, `${EXAMPLE_STACK_ID}.template.json`)}`);
      expect(lines).toContain(`Validation report: ${path.join(outdir, 'validation-report.json')}`);
    });

    test('says so when synth failed before it wrote an assembly', () => {
      // GIVEN an empty output directory (the app threw before synthesis)
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-app-empty-'));
      // WHEN
      const summary = summarizeAssembly(empty, 1);
      // THEN
      expect(summary).toEqual([`Main job: synth FAILED (exit status 1) before it wrote a cloud assembly (no ${path.join(empty, 'manifest.json')}); the error is above.`]);
      fs.rmSync(empty, { recursive: true, force: true });
    });
  });

  describe('load balancer', () => {
    test('is internet-facing in the public tier, drops invalid headers and writes access logs', () => {
      // THEN
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
        Subnets: [{ Ref: Match.stringLikeRegexp('^NetworkPublicSubnet1') }, { Ref: Match.stringLikeRegexp('^NetworkPublicSubnet2') }],
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'access_logs.s3.enabled', Value: 'true' },
          { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^AlbAccessLogs') } },
        ]),
      });
    });

    test('the HTTP listener only redirects to HTTPS 443', () => {
      // GIVEN
      const httpListener = logicalIdOf(stack.httpListener);

      // THEN its one action is a permanent redirect, and no rule or target group hangs off it
      template.hasResource('AWS::ElasticLoadBalancingV2::Listener', {
        Properties: {
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
        },
      });
      expect(Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'))
        .filter((r) => JSON.stringify(r.Properties.ListenerArn).includes(httpListener))).toEqual([]);
    });

    test('the HTTPS listener uses an ACM certificate and a TLS 1.3/1.2-only policy', () => {
      // THEN
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        Certificates: [{ CertificateArn: Match.stringLikeRegexp('^arn:aws:acm:us-east-1:111111111111:certificate/') }],
      });
      expect(Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener'))
        .map((l) => l.Properties.Protocol).sort()).toEqual(['HTTP', 'HTTPS']);
    });

    test('re-encrypts to its targets and health-checks them over HTTPS', () => {
      // THEN
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: APP_TLS_PORT,
        Protocol: 'HTTPS',
        HealthCheckProtocol: 'HTTPS',
        HealthCheckPath: '/health',
        TargetType: 'instance',
      });
    });
  });

  describe('security groups', () => {
    test("the application's security group admits only the load balancer's group, on TLS 8443", () => {
      // GIVEN
      const appSg = logicalIdOf(stack.appSecurityGroup);
      const albSg = logicalIdOf(stack.loadBalancerSecurityGroup);

      // WHEN every ingress rule of the application's group is collected (inline and standalone)
      const inline = template.findResources('AWS::EC2::SecurityGroup')[appSg].Properties.SecurityGroupIngress ?? [];
      const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .map((r) => r.Properties)
        .filter((p) => JSON.stringify(p.GroupId).includes(appSg));

      // THEN there is one, from the load balancer's group, on 8443 only
      expect(inline).toEqual([]);
      expect(standalone).toEqual([expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: APP_TLS_PORT,
        ToPort: APP_TLS_PORT,
        SourceSecurityGroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] },
      })]);
    });

    test("the load balancer's group may only send to the application on 8443", () => {
      // GIVEN
      const albSg = logicalIdOf(stack.loadBalancerSecurityGroup);
      const appSg = logicalIdOf(stack.appSecurityGroup);

      // WHEN its standalone egress rules are collected
      const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
        .map((r) => r.Properties)
        .filter((p) => JSON.stringify(p.GroupId).includes(albSg));

      // THEN the one egress rule goes to the application's group on 8443 (CloudFormation drops EC2's default
      // allow-all egress once the group has an egress rule), and nothing inline allows more
      expect(egress).toEqual([expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: APP_TLS_PORT,
        ToPort: APP_TLS_PORT,
        DestinationSecurityGroupId: { 'Fn::GetAtt': [appSg, 'GroupId'] },
      })]);
      const inline = template.findResources('AWS::EC2::SecurityGroup')[albSg].Properties.SecurityGroupEgress;
      expect(inline ?? []).toEqual([]);
    });
  });

  describe('subnet layer', () => {
    test('a blocklist NACL on both public subnets denies the listed ranges in both directions before its allow entry', () => {
      // GIVEN
      const nacl = logicalIdOf(stack.vpc.blocklist!.networkAcl);

      // THEN it is associated with the two public subnets, and nothing else
      const associations = Object.values(template.findResources('AWS::EC2::SubnetNetworkAclAssociation'))
        .map((r) => r.Properties)
        .filter((p) => JSON.stringify(p.NetworkAclId).includes(nacl));
      expect(associations.map((p) => p.SubnetId.Ref).sort()).toEqual([
        expect.stringMatching(/^NetworkPublicSubnet1/),
        expect.stringMatching(/^NetworkPublicSubnet2/),
      ]);

      // AND each blocked range is denied inbound and outbound, below the allow entry's number
      const entries = Object.values(template.findResources('AWS::EC2::NetworkAclEntry'))
        .map((r) => r.Properties)
        .filter((p) => JSON.stringify(p.NetworkAclId).includes(nacl));
      for (const egress of [false, true]) {
        const direction = entries.filter((e) => Boolean(e.Egress) === egress);
        const allow = direction.find((e) => e.RuleAction === 'allow');
        expect(allow).toBeDefined();
        for (const cidr of ['203.0.113.0/24', '198.51.100.7/32']) {
          const deny = direction.find((e) => e.RuleAction === 'deny' && e.CidrBlock === cidr);
          expect(deny).toBeDefined();
          expect(deny.Protocol).toBe(-1);
          expect(deny.RuleNumber).toBeLessThan(allow.RuleNumber);
        }
      }
    });

    test('flow logs record ALL traffic into a KMS-encrypted log group kept six years', () => {
      // THEN
      template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 2192, KmsKeyId: Match.anyValue() });
      template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    });
  });

  describe('application layer', () => {
    test('a web ACL that blocks /admin unless the client is allowlisted is associated with the load balancer', () => {
      // GIVEN
      const webAcl = logicalIdOf(stack.waf.webAcl);
      const alb = logicalIdOf(stack.loadBalancer);

      // THEN
      template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        ResourceArn: { Ref: alb },
        WebACLArn: { 'Fn::GetAtt': [webAcl, 'Arn'] },
      });
      template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] });
      template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV6', Addresses: ['2001:db8:1::/48'] });
    });

    test.each<[string, string, string]>([
      // a client outside the office, however it spells /admin
      ['/admin', '203.0.113.9', 'BLOCK'],
      ['/%61dmin', '203.0.113.9', 'BLOCK'],
      ['/;x/admin', '203.0.113.9', 'BLOCK'],
      // the office, over IPv4 and IPv6
      ['/admin', '198.51.100.7', 'ALLOW'],
      ['/%61dmin', '198.51.100.7', 'ALLOW'],
      ['/;x/admin', '198.51.100.7', 'ALLOW'],
      ['/admin', '2001:db8:1::5', 'ALLOW'],
      ['/%61dmin', '2001:db8:1::5', 'ALLOW'],
      ['/;x/admin', '2001:db8:1::5', 'ALLOW'],
      // the rest of the site, for anyone
      ['/', '203.0.113.9', 'ALLOW'],
      ['/', '198.51.100.7', 'ALLOW'],
      ['/', '2001:db8:1::5', 'ALLOW'],
    ])('the synthesized web ACL answers %s from %s with %s', (uriPath, sourceIp, action) => {
      // GIVEN the web ACL and IP sets as synthesized, judged by the model of AWS WAF semantics
      const json = template.toJSON();
      const webAcl = webAclsFromTemplate(json)[logicalIdOf(stack.waf.webAcl)];
      const evaluator = new WafEvaluator(webAcl, { ipSets: ipSetsFromTemplate(json) });

      // WHEN
      const evaluation = evaluator.evaluate({ uriPath, sourceIp });

      // THEN
      expect(evaluation.action).toBe(action);
      if (action === 'BLOCK') {
        expect(evaluation.terminatingRule).toBe('PathAllowlist1');
      }
    });
  });

  describe('application tier', () => {
    test('instances run from a launch template with IMDSv2, one hop, encrypted EBS, detailed monitoring and no public IP', () => {
      // THEN (this is what the two cdk-nag false positives on the auto scaling group cannot see)
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: Match.objectLike({
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true }) }],
          Monitoring: { Enabled: true },
          NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false })],
        }),
      });
    });

    test('the auto scaling group spans the two Application subnets and replaces instances the load balancer finds unhealthy', () => {
      // THEN
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        HealthCheckType: 'ELB',
        AvailabilityZones: ['us-east-1a', 'us-east-1b'],
        VPCZoneIdentifier: [{ Ref: Match.stringLikeRegexp('^NetworkApplicationSubnet1') }, { Ref: Match.stringLikeRegexp('^NetworkApplicationSubnet2') }],
        MixedInstancesPolicy: Match.objectLike({
          LaunchTemplate: Match.objectLike({ Overrides: [{ InstanceType: 'c7g.medium' }, { InstanceType: 'm7g.medium' }] }),
        }),
      });
    });
  });

  describe('data tier', () => {
    test('PostgreSQL in the two Data subnets, storage encrypted with its own KMS key, TLS required, not public', () => {
      // GIVEN
      const database = logicalIdOf(stack.database);
      const databaseKey = logicalIdOf(stack.node.findChild('DatabaseKey'));

      // THEN the instance: encrypted with the customer managed key, Multi-AZ, its password managed by RDS
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        Engine: 'postgres',
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [databaseKey, 'Arn'] },
        PubliclyAccessible: false,
        MultiAZ: true,
        DeletionProtection: true,
        Port: String(DATABASE_PORT),
        ManageMasterUserPassword: true,
        MasterUserSecret: { KmsKeyId: { 'Fn::GetAtt': [databaseKey, 'Arn'] } },
        VPCSecurityGroups: [{ 'Fn::GetAtt': [logicalIdOf(stack.databaseSecurityGroup), 'GroupId'] }],
      });
      template.resourceCountIs('AWS::RDS::DBInstance', 1);
      template.resourceCountIs('AWS::SecretsManager::Secret', 0);
      // AND its subnet group is the Data tier's two isolated subnets
      const subnetGroup = template.findResources('AWS::RDS::DBSubnetGroup');
      const instance = template.findResources('AWS::RDS::DBInstance')[database];
      expect(subnetGroup[instance.Properties.DBSubnetGroupName.Ref].Properties.SubnetIds)
        .toEqual([{ Ref: expect.stringMatching(/^NetworkDataSubnet1/) }, { Ref: expect.stringMatching(/^NetworkDataSubnet2/) }]);
      // AND the server refuses connections without TLS
      template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: Match.objectLike({ 'rds.force_ssl': '1' }) });
      // AND AWS Backup takes daily recovery points of it
      template.hasResourceProperties('AWS::Backup::BackupSelection', {
        BackupSelection: Match.objectLike({ Resources: [Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':rds:.*:db:$'), { Ref: database }])] })] }),
      });
    });

    test("the database's security group admits only the application's group, on the database port, and sends nothing", () => {
      // GIVEN
      const dbSg = logicalIdOf(stack.databaseSecurityGroup);
      const appSg = logicalIdOf(stack.appSecurityGroup);

      // WHEN every ingress rule of the database's group is collected (inline and standalone)
      const group = template.findResources('AWS::EC2::SecurityGroup')[dbSg].Properties;
      const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .map((r) => r.Properties)
        .filter((p) => JSON.stringify(p.GroupId).includes(dbSg));

      // THEN one rule, from the application's group, on the database port; egress is CDK's "disallow all" rule
      expect(group.SecurityGroupIngress ?? []).toEqual([]);
      expect(standalone).toEqual([expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: DATABASE_PORT,
        ToPort: DATABASE_PORT,
        SourceSecurityGroupId: { 'Fn::GetAtt': [appSg, 'GroupId'] },
      })]);
      expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    });
  });

  describe('who can reach what (NetworkReachability)', () => {
    let net: NetworkReachability;
    beforeAll(() => {
      net = NetworkReachability.fromStack(stack);
    });

    /** `LAYER CODE logicalId` of each decision, sorted. */
    const sites = (decisions: FlowDecision[]) => decisions.map((d) => `${d.layer} ${d.code} ${d.logicalId}`).sort();

    test('the internet cannot reach the database: no public address, no route back, and its security group', () => {
      // WHEN
      const why = net.explain({ from: FlowEndpoint.internet(), to: FlowEndpoint.construct(stack.database), port: DATABASE_PORT });

      // THEN every layer that stops it is named, with the Data subnets of both AZs
      expect(why.verdict).toBe(FlowVerdict.BLOCKED);
      const dataSubnets = stack.vpc.selectSubnets({ subnetGroupName: 'Data' }).subnets.map((s) => logicalIdOf(s.node.findChild('Subnet')));
      expect(sites(why.blockers)).toEqual([
        `ROUTE NO_PUBLIC_ADDRESS ${logicalIdOf(stack.database)}`,
        ...dataSubnets.map((s) => `ROUTE NO_ROUTE_TO_INTERNET_GATEWAY ${s}`),
        `SECURITY_GROUP SG_INGRESS_NO_RULE ${logicalIdOf(stack.databaseSecurityGroup)}`,
      ].sort());
      expect(why.blockers.find((b) => b.layer === FlowLayer.SECURITY_GROUP)?.cdkPath).toBe(`${EXAMPLE_STACK_ID}/DatabaseSecurityGroup/Resource`);
    });

    test('the application reaches the database on its port, through the group reference; not on 5432 or from the load balancer', () => {
      // THEN
      const app = FlowEndpoint.construct(stack.autoScalingGroup);
      const why = net.explain({ from: app, to: FlowEndpoint.construct(stack.database), port: DATABASE_PORT });
      expect(why.verdict).toBe(FlowVerdict.REACHABLE);
      expect(why.hops.filter((h) => h.layer === FlowLayer.SECURITY_GROUP).map((h) => h.code)).toEqual(['SG_INGRESS_ALLOW', 'SG_EGRESS_ALLOW']);
      net.assertBlocked({ from: FlowEndpoint.construct(stack.autoScalingGroup), to: FlowEndpoint.construct(stack.database), port: 5432 });
      net.assertBlocked({ from: FlowEndpoint.construct(stack.loadBalancer), to: FlowEndpoint.construct(stack.database), port: DATABASE_PORT });
    });

    test('a blocklisted address cannot reach the load balancer: the NACL denies it in both directions, in both public subnets', () => {
      // WHEN
      const why = net.explain({ from: FlowEndpoint.ipAddress('203.0.113.9'), to: FlowEndpoint.construct(stack.loadBalancer), port: 443 });

      // THEN only the blocklist NACL stops it
      expect(why.verdict).toBe(FlowVerdict.BLOCKED);
      const nacl = logicalIdOf(stack.vpc.blocklist!.networkAcl);
      expect(sites(why.blockers)).toEqual([
        `NACL NACL_INBOUND_DENY ${nacl}`, `NACL NACL_INBOUND_DENY ${nacl}`,
        `NACL NACL_RETURN_DENY ${nacl}`, `NACL NACL_RETURN_DENY ${nacl}`,
      ]);
      // AND an address off the blocklist gets through on the same port
      net.assertReachable({ from: FlowEndpoint.ipAddress('192.0.2.44'), to: FlowEndpoint.construct(stack.loadBalancer), port: 443 });
    });

    test('an outsider is stopped at /admin by the WAF rule, and nowhere else', () => {
      // WHEN
      const why = net.explain({ from: FlowEndpoint.ipAddress('192.0.2.44'), to: FlowEndpoint.construct(stack.loadBalancer), port: 443, httpPath: '/admin' });

      // THEN
      expect(why.verdict).toBe(FlowVerdict.BLOCKED);
      expect(why.blockers.map((b) => [b.layer, b.logicalId, b.decidingEntry])).toEqual([
        [FlowLayer.WAF, logicalIdOf(stack.waf.webAcl), "rule 'PathAllowlist1'"],
      ]);
      // AND the rest of the site is open to it
      net.assertReachable({ from: FlowEndpoint.ipAddress('192.0.2.44'), to: FlowEndpoint.construct(stack.loadBalancer), port: 443, httpPath: '/' });
    });

    test('the office reaches /admin (the WAF lets it pass), except its one blocklisted address, which the NACL stops', () => {
      // WHEN
      const office = net.explain({ from: FlowEndpoint.ipAddress('198.51.100.0/24'), to: FlowEndpoint.construct(stack.loadBalancer), port: 443, httpPath: '/admin' });

      // THEN
      expect(office.verdict).toBe(FlowVerdict.REACHABLE);
      expect(office.hops.map((h) => h.layer)).toContain(FlowLayer.WAF);
      expect(office.notes.join('\n')).toMatch(/AWS-AWSManagedRulesCommonRuleSet\b.*may still block the request/);
      const blocklisted = net.explain({ from: FlowEndpoint.ipAddress('198.51.100.7'), to: FlowEndpoint.construct(stack.loadBalancer), port: 443, httpPath: '/admin' });
      expect(new Set(blocklisted.blockers.map((b) => b.layer))).toEqual(new Set([FlowLayer.NACL]));
    });
  });

  describe('log buckets', () => {
    test('both are private, versioned, TLS-only and kept six years; the server access log bucket uses a KMS key', () => {
      // THEN
      template.resourceCountIs('AWS::S3::Bucket', 2);
      template.allResourcesProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 2192, Status: 'Enabled' })]) },
      });
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      });
      for (const policy of Object.values(template.findResources('AWS::S3::BucketPolicy'))) {
        expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
      }
    });
  });
});
