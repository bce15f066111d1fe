import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, CfnResource, IAspect, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sam from 'aws-cdk-lib/aws-sam';
import { annotations as annotationsOf, check, newStack, ofRule } from './support';
import * as networkModel from '../../src/analysis/model/network-model';
import { LayeredDefenseChecks, LayeredDefenseNagPack } from '../../src/frontdoors';
import { capturingConsoleError, Finding, readFindings, synthReport } from '../support/validation';

/** The complete list of rule ids: adding or losing a rule is a visible change. */
const RULE_IDS = [
  'LayeredDefense-WafUnassociated',
  'LayeredDefense-WafLogging',
  'LayeredDefense-WafPathBypass',
  'LayeredDefense-WafForwardedIpFailOpen',
  'LayeredDefense-WafForwardedIpDirectReach',
  'LayeredDefense-WafForwardedIpSpoofable',
  'LayeredDefense-WafAllowlistVeryBroad',
  'LayeredDefense-WafAllowShadowsBlock',
  'LayeredDefense-WafCapacityLimit',
  'LayeredDefense-WafCapacityCost',
  'LayeredDefense-PublicEndpointWithoutWaf',
  'LayeredDefense-NaclDenyShadowed',
  'LayeredDefense-NaclDenyOwnVpc',
  'LayeredDefense-NaclDeadEntry',
  'LayeredDefense-NaclReturnTraffic',
  'LayeredDefense-NaclEntryQuota',
  'LayeredDefense-NaclDuplicateRuleNumber',
  'LayeredDefense-NaclUnassociated',
  'LayeredDefense-NaclSubnetConflict',
  'LayeredDefense-NaclAllowlist',
  'LayeredDefense-NaclIpv6WithoutVpcIpv6',
  'LayeredDefense-SgOpenIngress',
  'LayeredDefense-SgDefaultOpen',
  'LayeredDefense-SgDenyIntent',
  'LayeredDefense-SgIdleTimeoutLong',
  'LayeredDefense-FirewallDefaultOrderPass',
  'LayeredDefense-FirewallStrictOrderNoDrop',
  'LayeredDefense-FirewallAllowlistDropDefault',
  'LayeredDefense-FirewallAllowlistTopLevelDomain',
  'LayeredDefense-FirewallSilentDrop',
  'LayeredDefense-FirewallStatelessBypass',
  'LayeredDefense-FirewallSuricataFlow',
  'LayeredDefense-FirewallLogging',
  'LayeredDefense-FirewallRuleGroupCapacity',
  'LayeredDefense-FirewallPolicyQuota',
  'LayeredDefense-FirewallIdleTimeout',
  'LayeredDefense-FirewallRouteBypass',
  'LayeredDefense-FirewallEndpointCrossAz',
  'LayeredDefense-FirewallAsymmetricReturn',
  'LayeredDefense-FirewallSubnetWorkload',
  'LayeredDefense-FirewallAzCoverage',
  'LayeredDefense-DataStoreInternetReachable',
  'LayeredDefense-DataStoreReachedOutsideGroups',
  'LayeredDefense-WafOriginBypass',
  'LayeredDefense-HttpNotRedirected',
  'LayeredDefense-TlsPolicyOutdated',
  'LayeredDefense-VpcFlowLogs',
  'LayeredDefense-InvalidValue',
  'LayeredDefense-CannotVerify',
];

/** An app with one stack holding a VPC (no flow logs: an error) and a group with SSH open (an error). */
function badApp(): { app: App; stack: Stack; vpc: ec2.Vpc; sg: ec2.SecurityGroup } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'layered-defense-checks-')) });
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true });
  const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, description: 'Block list' });
  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  return { app, stack, vpc, sg };
}

/**
 * `Annotations.fromStack`, which synthesizes the app: the open SSH port of `badApp` is also a warning of
 * aws-cdk-lib's CloudFormation validation, whose report the synth prints; capture it instead.
 */
function synthAnnotations(stack: Stack): Annotations {
  return capturingConsoleError(() => Annotations.fromStack(stack)).result;
}

/** `app.synth()`, with the validation report aws-cdk-lib prints for warnings captured (see `synthAnnotations`). */
function synthQuietly(app: App): void {
  capturingConsoleError(() => app.synth());
}

/**
 * The LayeredDefense plugin's findings in the validation report (without its `LayeredDefense-Ran` info entry, which
 * says that it ran and is not a finding), with the error synth threw.
 */
function nagReport(app: App): { error?: Error; entries: Finding[] } {
  const { error, findings } = synthReport(app);
  return { error, entries: findings.filter((f) => f.plugin === 'LayeredDefense' && f.rule !== 'LayeredDefense-Ran') };
}

describe('rule ids', () => {
  test('the aspect runs exactly these rules', () => {
    expect(LayeredDefenseChecks.ruleIds()).toEqual(RULE_IDS);
  });
  test('the nag pack runs exactly these rules, with the same ids', () => {
    const pack = new LayeredDefenseNagPack();
    expect(pack.ruleIds).toEqual(RULE_IDS);
    expect(pack.name).toBe('LayeredDefense');
    expect(pack.readPackName).toBe('LayeredDefense');
  });
  test('the nag pack reports findings under those ids', () => {
    const { app } = badApp();
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    const rules = nagReport(app).entries.map((e) => e.rule);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((r) => RULE_IDS.includes(r))).toBe(true);
  });
});

describe('LayeredDefenseChecks (aspect)', () => {
  test('errors and warnings become annotations on the L1 resource', () => {
    // GIVEN
    const { app, stack } = badApp();
    // WHEN
    Aspects.of(app).add(new LayeredDefenseChecks());
    // THEN
    const annotations = synthAnnotations(stack);
    annotations.hasError('/Stack/Sg/Resource', Match.stringLikeRegexp('^\\[LayeredDefense-SgOpenIngress\\] .*tcp 22 \\(HIPAA 164\\.312\\(e\\)\\(1\\)\\)\\. Fix: .*\\.$'));
    annotations.hasError('/Stack/Vpc/Resource', Match.stringLikeRegexp('LayeredDefense-VpcFlowLogs'));
    annotations.hasWarning('/Stack/Sg/Resource', Match.stringLikeRegexp('LayeredDefense-SgDenyIntent'));
  });

  test('Validations.acknowledge on an ancestor turns the finding into an info that records the reason', () => {
    const { app, stack, sg, vpc } = badApp();
    Validations.of(sg).acknowledge({ id: 'LayeredDefense::LayeredDefense-SgOpenIngress', reason: 'Bastion for the break-glass runbook' });
    LayeredDefenseChecks.acknowledge(vpc, 'LayeredDefense-VpcFlowLogs', 'Flow logs are enabled by the organization');
    Validations.of(sg).acknowledge({ id: 'LayeredDefense-SgDenyIntent', reason: 'Description only' });
    Aspects.of(app).add(new LayeredDefenseChecks());
    const annotations = synthAnnotations(stack);
    annotations.hasNoError('*', Match.stringLikeRegexp('LayeredDefense-'));
    annotations.hasNoWarning('*', Match.stringLikeRegexp('LayeredDefense-SgDenyIntent'));
    annotations.hasInfo('/Stack/Sg/Resource', Match.stringLikeRegexp('LayeredDefense-SgOpenIngress.*Acknowledged: Bastion for the break-glass runbook'));
    annotations.hasInfo('/Stack/Vpc/Resource', Match.stringLikeRegexp('LayeredDefense-VpcFlowLogs.*Acknowledged: Flow logs are enabled'));
  });

  test('acknowledge() refuses an unknown rule id and an empty reason', () => {
    const { sg } = badApp();
    expect(() => LayeredDefenseChecks.acknowledge(sg, 'LayeredDefense-Nope', 'x')).toThrow(/Stack\/Sg: cannot acknowledge 'LayeredDefense-Nope': not a rule id/);
    expect(() => LayeredDefenseChecks.acknowledge(sg, 'LayeredDefense-SgOpenIngress', ' ')).toThrow(/needs a reason/);
  });

  test('options: skipRules, and invalid options name the value and the fix', () => {
    const { stack } = badApp();
    const messages = check(stack, { skipRules: ['LayeredDefense-SgOpenIngress'] });
    expect(ofRule(messages, 'LayeredDefense-SgOpenIngress')).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-VpcFlowLogs')).toHaveLength(1);
    expect(() => new LayeredDefenseChecks({ skipRules: ['SgOpenIngress'] })).toThrow(/skipRules names 'SgOpenIngress', which is not a rule id/);
    expect(() => new LayeredDefenseChecks({ naclEntryQuota: 41 })).toThrow(/naclEntryQuota is 41; .* from 20 .* to 40/);
    expect(() => new LayeredDefenseChecks({ naclEntryQuota: 19 })).toThrow(/naclEntryQuota/);
    expect(() => new LayeredDefenseChecks({ ephemeralPortRange: { from: 60000, to: 1024 } })).toThrow(/ephemeralPortRange 60000-1024 is not a port range/);
    expect(() => new LayeredDefenseNagPack(undefined, { naclEntryQuota: 50 })).toThrow(/LayeredDefenseNagPack: naclEntryQuota is 50/);
  });

  test('resources that aspects running after this one add or change are judged as synthesized', () => {
    // GIVEN a clean stack, our aspect, and then (same default priority, so they run after ours) an aspect that opens
    // SSH on the group and one that adds a group open to RDP
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { All: {} } });
    new ec2.SecurityGroup(stack, 'Sg', { vpc, description: 'Application' });
    Aspects.of(app).add(new LayeredDefenseChecks());
    const openSsh: IAspect = {
      visit: (node) => {
        if (node instanceof ec2.CfnSecurityGroup && node.node.path === 'Stack/Sg/Resource') {
          node.securityGroupIngress = [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' }];
        }
      },
    };
    const addOpenGroup: IAspect = {
      visit: (node) => {
        if (node === stack) {
          new ec2.CfnSecurityGroup(stack, 'AddedByAspect', {
            groupDescription: 'Remote desktop',
            vpcId: vpc.vpcId,
            securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIp: '0.0.0.0/0' }],
          });
        }
      },
    };
    Aspects.of(app).add(openSsh);
    Aspects.of(app).add(addOpenGroup);

    // WHEN
    const annotations = synthAnnotations(stack);

    // THEN both are judged as they will be deployed
    annotations.hasError('/Stack/Sg/Resource', Match.stringLikeRegexp('LayeredDefense-SgOpenIngress.*tcp 22'));
    annotations.hasError('/Stack/AddedByAspect', Match.stringLikeRegexp('LayeredDefense-SgOpenIngress.*tcp 3389'));
  });

  test('the model is built once per app, and each stack reports its own findings', () => {
    const app = new App();
    const stacks = [1, 2, 3].map((i) => {
      const stack = new Stack(app, `S${i}`);
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { All: {} } });
      for (let g = 0; g < 5; g++) {
        new ec2.SecurityGroup(stack, `Sg${g}`, { vpc }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
      }
      return stack;
    });
    const spy = jest.spyOn(networkModel, 'buildNetworkModel');
    try {
      const aspect = new LayeredDefenseChecks();
      for (const c of app.node.findAll()) {
        aspect.visit(c);
        aspect.visit(c); // a second visit is a no-op
      }
      expect(spy).not.toHaveBeenCalled(); // the stacks are judged in synth's validation step, not when visited
      for (const stack of stacks) {
        stack.node.validate();
        stack.node.validate(); // a second synth does not judge again
      }
      expect(spy).toHaveBeenCalledTimes(1);
      expect(stacks.map((s) => ofRule(annotationsOf(s), 'LayeredDefense-SgOpenIngress').length)).toEqual([5, 5, 5]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('LayeredDefenseNagPack (cdk-nag 3)', () => {
  test('an unacknowledged error fails synth, and the report names rule, level and resource', () => {
    const { app } = badApp();
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    const { error, entries } = nagReport(app);
    expect(String(error)).toMatch(/ValidationFailed[\s\S]*LayeredDefense-SgOpenIngress/);
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'LayeredDefense-SgOpenIngress', severity: 'error', paths: ['Stack/Sg/Resource'], acknowledged: false }),
      expect.objectContaining({ rule: 'LayeredDefense-VpcFlowLogs', severity: 'error', paths: ['Stack/Vpc/Resource'] }),
      expect.objectContaining({ rule: 'LayeredDefense-SgDenyIntent', severity: 'warning' }),
    ]));
  });

  test('the same acknowledgements work, and synth then succeeds', () => {
    const { app, sg, vpc } = badApp();
    Validations.of(sg).acknowledge({ id: 'LayeredDefense::LayeredDefense-SgOpenIngress', reason: 'Bastion for the break-glass runbook' });
    LayeredDefenseChecks.acknowledge(vpc, 'LayeredDefense-VpcFlowLogs', 'Flow logs are enabled by the organization');
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    const { error, entries } = nagReport(app);
    expect(error).toBeUndefined();
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'LayeredDefense-SgOpenIngress', acknowledged: true, reason: 'Bastion for the break-glass runbook' }),
      expect.objectContaining({ rule: 'LayeredDefense-VpcFlowLogs', acknowledged: true }),
    ]));
  });

  test('an acknowledgement covers its own scope only: the same rule on another resource still fails synth', () => {
    // GIVEN two groups open to SSH, one of them acknowledged (aws-cdk-lib before 2.271.0 applied an acknowledgement
    // to every resource with that rule, which is why the peer dependency starts there)
    const { app, stack, vpc, sg } = badApp();
    const other = new ec2.SecurityGroup(stack, 'Other', { vpc, description: 'Application' });
    other.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    Validations.of(sg).acknowledge({ id: 'LayeredDefense::LayeredDefense-SgOpenIngress', reason: 'Bastion for the break-glass runbook' });
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    // WHEN
    const { error, entries } = nagReport(app);
    // THEN the acknowledged group is suppressed, and the other one is still an error that fails synth
    expect(entries.filter((e) => e.rule === 'LayeredDefense-SgOpenIngress').map((e) => [e.paths, e.acknowledged])).toEqual(expect.arrayContaining([
      [['Stack/Sg/Resource'], true],
      [['Stack/Other/Resource'], false],
    ]));
    expect(String(error)).toMatch(/ValidationFailed[\s\S]*Stack\/Other\/Resource/);
  });

  test('the report always says that the pack ran and on what, and synth prints nothing for that entry', () => {
    // GIVEN a stack our rules find nothing in
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'layered-defense-checks-')) });
    const stack = new Stack(app, 'Stack');
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { All: {} } });
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    // WHEN it synthesizes
    const { error, findings, printed } = synthReport(app);
    const entries = findings.filter((f) => f.plugin === 'LayeredDefense');
    // THEN synth passes, the pack is in validation-report.json with one info entry that names no resource, and
    // nothing about it reached the console
    expect(error).toBeUndefined();
    expect(entries).toEqual([{
      plugin: 'LayeredDefense',
      rule: 'LayeredDefense-Ran',
      severity: 'info',
      paths: [],
      acknowledged: false,
      reason: undefined,
    }]);
    expect(printed).not.toMatch(/LayeredDefense/);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    const ours = report.pluginReports.find((p: { pluginName: string }) => p.pluginName === 'LayeredDefense');
    expect(ours.conclusion).toBe('success');
    expect(ours.violations[0].description).toBe(`LayeredDefense ran ${RULE_IDS.length} of its ${RULE_IDS.length} rules on 1 stack and reported 0 errors and 0 warnings before acknowledgements.`);
  });

  test('the ran entry counts the rules that ran and the findings by level', () => {
    // GIVEN badApp (two errors, one warning) and a pack that skips one rule
    const { app } = badApp();
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app, { skipRules: ['LayeredDefense-CannotVerify'] }));
    // WHEN
    synthReport(app);
    // THEN
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    const ran = report.pluginReports.find((p: { pluginName: string }) => p.pluginName === 'LayeredDefense')
      .violations.find((v: { ruleName: string }) => v.ruleName === 'LayeredDefense-Ran');
    expect(ran.description).toBe(`LayeredDefense ran ${RULE_IDS.length - 1} of its ${RULE_IDS.length} rules on 1 stack and reported 2 errors and 1 warning before acknowledgements.`);
    expect(ran.severity).toBe('info');
    expect(readFindings(app.outdir).filter((f) => f.rule === 'LayeredDefense-Ran').map((f) => f.paths)).toEqual([[]]);
  });

  test('the model is built once per synth, not once per resource or stack', () => {
    const { app } = badApp();
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app, { skipRules: ['LayeredDefense-SgOpenIngress', 'LayeredDefense-VpcFlowLogs'] }));
    const spy = jest.spyOn(networkModel, 'buildNetworkModel');
    try {
      expect(nagReport(app).error).toBeUndefined();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('reads the synthesized template, overridden logical ids included', () => {
    const { app, sg } = badApp();
    (sg.node.defaultChild as ec2.CfnSecurityGroup).overrideLogicalId('RenamedGroup');
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    expect(nagReport(app).entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'LayeredDefense-SgOpenIngress', paths: ['Stack/Sg/Resource'] }),
    ]));
  });

  test('judges the template as written: a resource no construct renders is reported on its stack', () => {
    // GIVEN a synthesized app whose template gained a group open to the internet after synthesis (post-processing)
    const { app, stack } = badApp();
    const pack = new LayeredDefenseNagPack(app, { skipRules: ['LayeredDefense-SgOpenIngress', 'LayeredDefense-VpcFlowLogs', 'LayeredDefense-SgDenyIntent'] });
    synthQuietly(app);
    expect(pack.validateScope(app).violations).toEqual([]);
    const templatePath = path.join(app.outdir, stack.templateFile);
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
    template.Resources.AddedAfterSynth = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'added by a post-processor', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIp: '0.0.0.0/0' }] },
    };
    fs.writeFileSync(templatePath, JSON.stringify(template));
    const unskipped = new LayeredDefenseNagPack(app);
    // WHEN the pack validates the app
    const report = unskipped.validateScope(app);
    // THEN the open group is an error on the stack, named by its logical id
    const open = report.violations.find((v) => v.ruleName === 'LayeredDefense-SgOpenIngress');
    expect(open?.violatingResources.map((r) => r.constructPath)).toEqual(expect.arrayContaining(['Stack']));
    expect(report.success).toBe(false);
  });

  test('matches constructs to logical ids only when there is a finding to report', () => {
    const { app, stack } = badApp();
    const pack = new LayeredDefenseNagPack(app, { skipRules: ['LayeredDefense-SgOpenIngress', 'LayeredDefense-VpcFlowLogs', 'LayeredDefense-SgDenyIntent'] });
    synthQuietly(app);
    const spy = jest.spyOn(stack, 'getLogicalId');
    try {
      expect(pack.validateScope(app).violations).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
      expect(new LayeredDefenseNagPack(app).validateScope(app).violations.length).toBeGreaterThan(0);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('to report a finding, hashes only the constructs of the flagged resource type', () => {
    // GIVEN a synthesized app whose one finding is on a security group, among a VPC, its subnets and other resources
    const { app, stack } = badApp();
    const pack = new LayeredDefenseNagPack(app, { skipRules: ['LayeredDefense-VpcFlowLogs', 'LayeredDefense-SgDenyIntent'] });
    synthQuietly(app);
    const spy = jest.spyOn(stack, 'getLogicalId');
    try {
      // WHEN the pack validates it
      const report = pack.validateScope(app);
      // THEN the finding is reported on the group's construct, and only security groups had their logical ids worked out
      expect(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)])).toEqual([
        ['LayeredDefense-SgOpenIngress', ['Stack/Sg/Resource']],
      ]);
      const hashedTypes = new Set(spy.mock.calls.map(([element]) => (element as CfnResource).cfnResourceType));
      expect([...hashedTypes]).toEqual(['AWS::EC2::SecurityGroup']);
    } finally {
      spy.mockRestore();
    }
  });

  test("reads a VPC's default NACL from the template with its built-in entries", () => {
    // GIVEN a synthesized app with a DENY after rule 100 on a VPC's default NACL
    const { app, stack, vpc } = badApp();
    new ec2.CfnNetworkAclEntry(stack, 'DenyOnDefault', {
      networkAclId: vpc.vpcDefaultNetworkAcl, ruleNumber: 200, protocol: -1, ruleAction: 'deny', cidrBlock: '203.0.113.0/24',
    });
    synthQuietly(app);
    // WHEN the pack validates it
    const report = new LayeredDefenseNagPack(app).validateScope(app);
    // THEN the entry is reported as shadowed, on its own construct
    const shadowed = report.violations.find((v) => v.ruleName === 'LayeredDefense-NaclDenyShadowed');
    expect(shadowed?.violatingResources.map((r) => r.constructPath)).toEqual(['Stack/DenyOnDefault']);
  });

  /** badApp with entries on the VPC's default NACL: a shadowed deny, a duplicate of rule 100, and an outbound deny-all. */
  function badDefaultNaclApp(): ReturnType<typeof badApp> {
    const bad = badApp();
    const onDefault = (id: string, props: Partial<ec2.CfnNetworkAclEntryProps>) => new ec2.CfnNetworkAclEntry(bad.stack, id, {
      networkAclId: bad.vpc.vpcDefaultNetworkAcl, ruleNumber: 200, protocol: -1, ruleAction: 'deny', cidrBlock: '203.0.113.0/24', ...props,
    });
    onDefault('Shadowed', {});
    onDefault('Duplicate', { ruleNumber: 100, cidrBlock: '198.51.100.0/24' });
    onDefault('DenyAllOut', { ruleNumber: 50, egress: true, cidrBlock: '0.0.0.0/0' });
    return bad;
  }

  test.each([
    ['an app with findings on groups, a VPC and its subnets', badApp],
    ["an app with entries on a VPC's default NACL", badDefaultNaclApp],
  ])('the aspect and the pack find the same (rule, resource) pairs: %s', (_name, build) => {
    // Pairs, not messages: the aspect writes one message per finding, the pack lists a resource once per rule.
    const forAspect = build();
    const aspectPairs = [...new Set(check(forAspect.stack).filter((m) => m.level !== 'info').map((m) => `${m.ruleId} ${m.path.slice(1)}`))].sort();
    const forPack = build();
    Validations.of(forPack.app).addPlugins(new LayeredDefenseNagPack(forPack.app));
    const packPairs = [...new Set(nagReport(forPack.app).entries.flatMap((e) => e.paths.map((p) => `${e.rule} ${p}`)))].sort();
    expect(packPairs).toEqual(aspectPairs);
    expect(packPairs.length).toBeGreaterThan(0);
  });
});

describe('a CDK app with the SAM transform (aws_sam constructs)', () => {
  /** A stack with the SAM transform: an API (stage prod) and a function whose Api event makes the implicit API; a macro too, when asked. */
  function samApp(macro = false): { app: App; stack: Stack } {
    const stack = newStack('Serverless');
    if (macro) stack.addTransform('AcmeStandardTags');
    // The aws_sam constructs add the SAM transform to their stack themselves; OpenApiVersion spares the stage named Stage.
    new sam.CfnApi(stack, 'Api', { stageName: 'prod', openApiVersion: '3.0.1' });
    new sam.CfnFunction(stack, 'Fn', {
      codeUri: 's3://bucket/code.zip',
      handler: 'app.handler',
      runtime: 'python3.12',
      events: { Get: { type: 'Api', properties: { path: '/', method: 'get' } } },
    });
    return { app: stack.node.root as App, stack };
  }

  test('GIVEN two public SAM APIs without a web ACL WHEN the aspect and the pack judge them THEN both report each stage, on the SAM construct it comes from', () => {
    // WHEN
    const aspect = ofRule(check(samApp().stack), 'LayeredDefense-PublicEndpointWithoutWaf');
    const forPack = samApp();
    Validations.of(forPack.app).addPlugins(new LayeredDefenseNagPack(forPack.app));
    const pack = nagReport(forPack.app).entries.filter((e) => e.rule === 'LayeredDefense-PublicEndpointWithoutWaf');

    // THEN the explicit API's stage on the CfnApi; the implicit API's, and the stage named Stage its deployment makes
    // (no OpenApiVersion in Globals), on the function whose event makes it
    expect(aspect.map((m) => [m.path, /stage (\w+) has/.exec(m.text)?.[1]]).sort()).toEqual([['/Serverless/Api', 'prod'], ['/Serverless/Fn', 'Prod'], ['/Serverless/Fn', 'Stage']]);
    expect(pack.flatMap((e) => e.paths).sort()).toEqual(['Serverless/Api', 'Serverless/Fn', 'Serverless/Fn']);
  });

  test('GIVEN a macro besides SAM WHEN the aspect judges the stack THEN it says the macro is not judged, once', () => {
    const cannot = ofRule(check(samApp(true).stack), 'LayeredDefense-CannotVerify');
    expect(cannot.map((m) => m.text)).toEqual([expect.stringContaining('stack Serverless: its Transform AcmeStandardTags is not expanded by this analysis')]);
  });
});

test('newStack helper is independent per test', () => {
  expect(newStack().node.root).not.toBe(newStack().node.root);
});
