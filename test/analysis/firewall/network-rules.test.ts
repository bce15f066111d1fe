// The network-layer rules (Network Firewall) on hand-written, CDK-free templates: test/fixtures/templates/firewall/.
import { RULES } from '../../../src/analysis/rules/registry';
import { judge, ofRule, sites } from '../support';
import { cannotVerify, fixture, fixtureWith, judgeTemplate, PARAM } from './fixtures';

const GOOD = 'good/egress-allowlist.yaml';
const NETWORK_RULE_IDS = RULES.filter((r) => r.layer === 'network').map((r) => r.id);

/** The good fixture with one change made to its resources. */
function goodWith(change: (resources: any) => void) {
  return fixtureWith(GOOD, change);
}

describe('the good fixture', () => {
  test('an egress allowlist firewall built as AWS recommends: zero findings of any rule', () => {
    // GIVEN strict order, forward_to_sfe, drop/alert established, allowlist with headroom, flow: rules, ALERT+FLOW logs
    // WHEN / THEN
    expect(judgeTemplate(fixture(GOOD))).toEqual([]);
  });

  test('every network-layer rule is one of the eleven this file tests, or one of the five routing rules (routing-rules.test.ts)', () => {
    expect(NETWORK_RULE_IDS.sort()).toEqual([
      'LayeredDefense-FirewallAllowlistDropDefault',
      'LayeredDefense-FirewallAllowlistTopLevelDomain',
      'LayeredDefense-FirewallAsymmetricReturn',
      'LayeredDefense-FirewallAzCoverage',
      'LayeredDefense-FirewallDefaultOrderPass',
      'LayeredDefense-FirewallEndpointCrossAz',
      'LayeredDefense-FirewallIdleTimeout',
      'LayeredDefense-FirewallLogging',
      'LayeredDefense-FirewallPolicyQuota',
      'LayeredDefense-FirewallRouteBypass',
      'LayeredDefense-FirewallRuleGroupCapacity',
      'LayeredDefense-FirewallSilentDrop',
      'LayeredDefense-FirewallStatelessBypass',
      'LayeredDefense-FirewallStrictOrderNoDrop',
      'LayeredDefense-FirewallSubnetWorkload',
      'LayeredDefense-FirewallSuricataFlow',
    ]);
  });
});

describe('LayeredDefense-FirewallDefaultOrderPass', () => {
  const ID = 'LayeredDefense-FirewallDefaultOrderPass';

  test('Compliance: strict order with an allowlist and pass rules', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
  });

  test('Compliance: default order with only drop rules and AWS managed groups', () => {
    // GIVEN the good policy under the default order, without the allowlist and the group holding a pass rule
    const findings = goodWith((r) => {
      delete r.Policy.Properties.FirewallPolicy.StatefulEngineOptions;
      delete r.Policy.Properties.FirewallPolicy.StatefulDefaultActions;
      r.Policy.Properties.FirewallPolicy.StatefulRuleGroupReferences.splice(0, 1);
      r.BaselineGroup.Properties.RuleGroup.RulesSource.RulesString = 'drop tcp any any -> any 22 (flow:to_server; sid:1;)';
    });
    expect(ofRule(findings, ID)).toEqual([]);
  });

  test('Noncompliance: RuleOrder not set, with a domain allowlist and a pass rule', () => {
    const findings = judgeTemplate(fixture('bad/default-order-pass.yaml'));
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Policy']]);
    expect(ofRule(findings, ID)[0].message).toMatch(/uses DEFAULT_ACTION_ORDER \(RuleOrder not set\), so the pass rules of Allowlist \(domain allowlist\), PassRules \(pass rules\) run before every drop/);
  });

  test('Token: a rule order from a parameter is "cannot verify"', () => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatefulEngineOptions.RuleOrder = PARAM; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)).toHaveLength(1);
    expect(cannotVerify(findings, ID)[0].message).toMatch(/StatefulEngineOptions\.RuleOrder \{"Ref":"FromParameter"\}/);
  });

  test('Token: under default order, a group outside the app is "cannot verify" (it may pass)', () => {
    const findings = goodWith((r) => {
      delete r.Policy.Properties.FirewallPolicy.StatefulEngineOptions;
      delete r.Policy.Properties.FirewallPolicy.StatefulDefaultActions;
      r.Policy.Properties.FirewallPolicy.StatefulRuleGroupReferences = [{ ResourceArn: { 'Fn::ImportValue': 'shared-group-arn' }, Priority: 1 }];
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)[0].message).toMatch(/not a rule group of the templates judged together/);
  });
});

describe('LayeredDefense-FirewallStrictOrderNoDrop', () => {
  const ID = 'LayeredDefense-FirewallStrictOrderNoDrop';

  test('Compliance: a drop-established default', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
  });

  test('Noncompliance: only an alert default', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/strict-order-no-drop.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Policy']]);
    expect(findings[0].message).toMatch(/\[aws:alert_established\], none of which drops: every flow its rules do not drop is allowed/);
  });

  test('Noncompliance: no stateful default actions at all', () => {
    const findings = goodWith((r) => { delete r.Policy.Properties.FirewallPolicy.StatefulDefaultActions; });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Policy']]);
  });

  test('Token: default actions from a parameter are "cannot verify"', () => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = PARAM; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)[0].message).toMatch(/StatefulDefaultActions \{"Ref":"FromParameter"\}/);
  });
});

describe('LayeredDefense-FirewallAllowlistDropDefault', () => {
  const ID = 'LayeredDefense-FirewallAllowlistDropDefault';

  test.each([
    ['aws:drop_established', 'aws:alert_established'],
    ['aws:drop_established_app_layer', 'aws:alert_established_app_layer'],
  ])('Compliance: allowlist with %s', (drop, alert) => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = [drop, alert]; });
    expect(ofRule(findings, ID)).toEqual([]);
  });

  test('Noncompliance: allowlist with aws:drop_strict', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/allowlist-drop-strict.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Policy']]);
    expect(findings[0].message).toMatch(/domain allowlist Allowlist\) drops by default with aws:drop_strict, which drops the TCP handshake/);
  });

  test('Noncompliance: allowlist without any drop default', () => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = ['aws:alert_established']; });
    expect(ofRule(findings, ID)[0].message).toMatch(/has no drop-established default .* the allowlist drops nothing, so every other domain is allowed/);
  });

  test('Token: a domain list type from a parameter under aws:drop_strict is "cannot verify"', () => {
    // GIVEN the allowlist's GeneratedRulesType is unknown and the policy drops strictly
    const findings = goodWith((r) => {
      r.AllowlistGroup.Properties.RuleGroup.RulesSource.RulesSourceList.GeneratedRulesType = PARAM;
      r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = ['aws:drop_strict', 'aws:alert_strict'];
    });
    // THEN no finding, and the unknown list type is named
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID).map((f) => f.message)).toEqual([expect.stringMatching(/whether the policy holds a domain allowlist .*GeneratedRulesType of rule group AllowlistGroup/)]);
  });

  test('Token: default actions from a parameter with an allowlist are "cannot verify"', () => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = PARAM; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)).toHaveLength(1);
  });
});

describe('LayeredDefense-FirewallSilentDrop', () => {
  const ID = 'LayeredDefense-FirewallSilentDrop';

  test('Compliance: drop and alert established', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
  });

  test('Noncompliance: a drop without its alert, and two drop defaults', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/silent-drop.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Policy'], [ID, 'Stack/TwoDrops']]);
    expect(findings[0].message).toMatch(/drops by default with aws:drop_established but does not set aws:alert_established/);
    expect(findings[0].fix).toBe('Add aws:alert_established to StatefulDefaultActions');
    expect(findings[1].message).toMatch(/names 2 drop defaults \(aws:drop_established, aws:drop_established_app_layer\); a policy takes at most one/);
  });

  test('Noncompliance: a drop with the alert of another drop', () => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = ['aws:drop_established_app_layer', 'aws:alert_established']; });
    expect(ofRule(findings, ID)[0].message).toMatch(/does not set aws:alert_established_app_layer/);
  });

  test('Token: default actions from a parameter are "cannot verify"', () => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = [PARAM, 'aws:alert_established']; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)).toHaveLength(1);
  });
});

describe('LayeredDefense-FirewallStatelessBypass', () => {
  const ID = 'LayeredDefense-FirewallStatelessBypass';

  test('Compliance: forward_to_sfe for full and fragmented packets; a fragment default of aws:drop', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatelessFragmentDefaultActions = ['aws:drop']; });
    expect(ofRule(findings, ID)).toEqual([]);
  });

  test('Noncompliance: a pass default, a pass fragment default, and a stateless pass rule', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/stateless-bypass.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Policy'], [ID, 'Stack/Policy'], [ID, 'Stack/StatelessPass']]);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/stateless default actions \[aws:pass\], which do not forward to the stateful engine/),
      expect.stringMatching(/passes fragmented packets without inspection/),
      expect.stringMatching(/stateless rule group StatelessPass has 1 rule with aws:pass/),
    ]);
  });

  test('Noncompliance: a stateless default of aws:drop does not forward either', () => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatelessDefaultActions = ['aws:drop']; });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Policy']]);
  });

  test('Token: stateless defaults from a parameter are "cannot verify"', () => {
    const findings = goodWith((r) => {
      r.Policy.Properties.FirewallPolicy.StatelessDefaultActions = PARAM;
      r.Policy.Properties.FirewallPolicy.StatelessFragmentDefaultActions = PARAM;
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)).toHaveLength(2);
  });
});

describe('LayeredDefense-FirewallSuricataFlow', () => {
  const ID = 'LayeredDefense-FirewallSuricataFlow';

  test('Compliance: every deciding tcp/udp/ip rule has flow: (icmp, quoted semicolons and comments read right)', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
  });

  test('Noncompliance: pass tcp, drop udp and a continued reject ip rule without flow:; alert and tls rules are fine', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/suricata-without-flow.yaml')), ID);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/has a pass rule on tcp without flow:.*sid:1;/),
      expect.stringMatching(/has a drop rule on udp without flow:.*sid:2;/),
      expect.stringMatching(/has a reject rule on ip without flow:.*\[192\.0\.2\.0\/24, 198\.51\.100\.0\/24\].*sid:3;/),
    ]);
    expect(sites(findings).every(([, site]) => site === 'Stack/NoFlow')).toBe(true);
  });

  test('Noncompliance: structured StatefulRules without a flow keyword', () => {
    const findings = goodWith((r) => {
      r.BaselineGroup.Properties.RuleGroup.RulesSource = {
        StatefulRules: [
          { Action: 'PASS', Header: { Protocol: 'TCP', Source: 'any', SourcePort: 'any', Direction: 'FORWARD', Destination: 'any', DestinationPort: '443' }, RuleOptions: [{ Keyword: 'sid', Settings: ['1'] }] },
          { Action: 'DROP', Header: { Protocol: 'UDP', Source: 'any', SourcePort: 'any', Direction: 'FORWARD', Destination: 'any', DestinationPort: 'any' }, RuleOptions: [{ Keyword: 'sid', Settings: ['2'] }, { Keyword: 'flow', Settings: ['to_server'] }] },
        ],
      };
    });
    expect(ofRule(findings, ID).map((f) => f.message)).toEqual([expect.stringMatching(/has a pass rule on tcp without flow:/)]);
  });

  test('Token: an unreadable rule line and a rule string from Fn::Sub are "cannot verify", never a pass', () => {
    const unreadable = goodWith((r) => {
      r.BaselineGroup.Properties.RuleGroup.RulesSource.RulesString = 'drop tcp any any -> any 22 (flow:to_server; sid:1;)\nthis is not a rule';
    });
    expect(ofRule(unreadable, ID)).toEqual([]);
    expect(cannotVerify(unreadable, ID).map((f) => f.message)).toEqual([expect.stringMatching(/the rule string line 'this is not a rule'/)]);
    const substituted = goodWith((r) => {
      r.BaselineGroup.Properties.RuleGroup.RulesSource.RulesString = { 'Fn::Sub': 'pass tcp ${Cidr} any -> any any (sid:1;)' };
    });
    expect(cannotVerify(substituted, ID).map((f) => f.message)).toEqual([expect.stringMatching(/RulesSource\.RulesString \{"Fn::Sub"/)]);
  });
});

describe('LayeredDefense-FirewallLogging', () => {
  const ID = 'LayeredDefense-FirewallLogging';

  test('Compliance: ALERT and FLOW, in one configuration referenced by GetAtt', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
  });

  test('Noncompliance: no logging configuration, and ALERT only', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/logging.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Unlogged'], [ID, 'Stack/AlertOnlyLogging']]);
    expect(findings[1].message).toMatch(/does not log FLOW \(it logs ALERT\)/);
  });

  test('Noncompliance: a logging configuration of the firewall in another stack counts for it', () => {
    // GIVEN the logging configuration in a second stack, naming the firewall through a cross-stack value
    const template = fixture(GOOD);
    const logging = template.Resources.FirewallLogging;
    delete template.Resources.FirewallLogging;
    logging.Properties.FirewallArn = { 'LayeredDefense::StackRef': { stackId: 'Stack', value: { 'Fn::GetAtt': ['Firewall', 'FirewallArn'] } } };
    logging.Properties.LoggingConfiguration.LogDestinationConfigs.pop();
    const findings = ofRule(judge({ Stack: template, Logs: { Resources: { FirewallLogging: logging } } }), ID);
    // THEN the FLOW gap is reported on the other stack's configuration
    expect(sites(findings)).toEqual([[ID, 'Logs/FirewallLogging']]);
  });

  test('Token: a log type from a parameter is "cannot verify"', () => {
    const findings = goodWith((r) => { r.FirewallLogging.Properties.LoggingConfiguration.LogDestinationConfigs[1].LogType = PARAM; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)[0].message).toMatch(/LogType \{"Ref":"FromParameter"\}/);
  });
});

describe('LayeredDefense-FirewallRuleGroupCapacity', () => {
  const ID = 'LayeredDefense-FirewallRuleGroupCapacity';

  test('Compliance: 100 units for 3 domains x 2 target types, 10 for 4 rules', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
  });

  test('Noncompliance: a group that cannot hold its domains, and one without headroom', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/capacity.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/TooSmall'], [ID, 'Stack/NoHeadroom']]);
    expect(findings[0].message).toMatch(/has Capacity 5 but its rules use 6 units/);
    expect(findings[1].message).toMatch(/has Capacity 3 for rules that use 3 units, less than 20% headroom/);
    expect(findings.every((f) => f.level === 'warning')).toBe(true);
  });

  test('Noncompliance: stateless rules cost the product of their match settings', () => {
    // GIVEN a stateless rule with 2 sources x 3 destination ports = 6 units, in a group of capacity 6
    const findings = goodWith((r) => {
      r.Stateless = {
        Type: 'AWS::NetworkFirewall::RuleGroup',
        Properties: {
          Type: 'STATELESS',
          Capacity: 6,
          RuleGroup: { RulesSource: { StatelessRulesAndCustomActions: { StatelessRules: [{ Priority: 1, RuleDefinition: { Actions: ['aws:forward_to_sfe'], MatchAttributes: { Sources: [{ AddressDefinition: '10.0.0.0/8' }, { AddressDefinition: '192.168.0.0/16' }], DestinationPorts: [{ FromPort: 80, ToPort: 80 }, { FromPort: 443, ToPort: 443 }, { FromPort: 8443, ToPort: 8443 }] } } }] } } },
        },
      };
    });
    expect(ofRule(findings, ID).map((f) => f.message)).toEqual([expect.stringMatching(/Stateless has Capacity 6 for rules that use 6 units/)]);
  });

  test('Token: a capacity from a parameter is "cannot verify"', () => {
    const findings = goodWith((r) => { r.AllowlistGroup.Properties.Capacity = PARAM; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)[0].message).toMatch(/Capacity \{"Ref":"FromParameter"\}/);
  });
});

describe('LayeredDefense-FirewallPolicyQuota', () => {
  const ID = 'LayeredDefense-FirewallPolicyQuota';

  test('Compliance: three groups of 110 units', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
  });

  test('Noncompliance: 21 stateful groups, and 30,003 units of the app\'s groups', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/capacity.yaml')), ID);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/references 21 stateful rule groups; a policy takes at most 20/),
      expect.stringMatching(/add up to 30003 capacity units; a policy takes at most 30,000/),
    ]);
  });

  test('Token: a group outside the app is "cannot verify" for the total', () => {
    const findings = goodWith((r) => {
      r.Policy.Properties.FirewallPolicy.StatefulRuleGroupReferences.push({ ResourceArn: 'arn:aws:network-firewall:us-east-1:222222222222:stateful-rulegroup/shared', Priority: 2000 });
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)[0].message).toMatch(/stateful-rulegroup\/shared \(not a rule group of the templates judged together\)/);
  });
});

describe('LayeredDefense-FirewallIdleTimeout', () => {
  const ID = 'LayeredDefense-FirewallIdleTimeout';

  test('Compliance: 350 s with a NAT gateway; 600 s without one', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
    const findings = goodWith((r) => {
      r.Policy.Properties.FirewallPolicy.StatefulEngineOptions.FlowTimeouts.TcpIdleTimeoutSeconds = 600;
      delete r.NatGateway;
    });
    expect(ofRule(findings, ID)).toEqual([]);
  });

  test('Noncompliance: 600 s with a NAT gateway in the firewall\'s VPC', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/idle-timeout.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Policy']]);
    expect(findings[0].message).toMatch(/keeps idle TCP flows 600 s, longer than the 350 s of NAT gateway NatGateway in the VPC of firewall Firewall/);
  });

  test('Token: a timeout from a parameter with a NAT gateway is "cannot verify"', () => {
    const findings = goodWith((r) => { r.Policy.Properties.FirewallPolicy.StatefulEngineOptions.FlowTimeouts.TcpIdleTimeoutSeconds = PARAM; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)[0].message).toMatch(/TcpIdleTimeoutSeconds \{"Ref":"FromParameter"\}.*NAT gateway NatGateway/);
  });
});

describe('LayeredDefense-FirewallAllowlistTopLevelDomain', () => {
  const ID = 'LayeredDefense-FirewallAllowlistTopLevelDomain';

  test('Compliance: .amazonaws.com, a host and .example.org in the good allowlist', () => {
    expect(ofRule(judgeTemplate(fixture(GOOD)), ID)).toEqual([]);
  });

  test('Noncompliance: .com in an allowlist, on its rule group; .io in a denylist is not reported', () => {
    // GIVEN an allowlist admitting .com and a denylist blocking .io
    // WHEN
    const findings = ofRule(judgeTemplate(fixture('bad/allowlist-top-level-domain.yaml')), ID);
    // THEN
    expect(sites(findings)).toEqual([[ID, 'Stack/Allowlist']]);
    expect(findings[0].level).toBe('warning');
    expect(findings[0].message).toBe("the domain allowlist of rule group Allowlist admits every domain under '.com', which anyone can register");
  });

  test('Token: a target or a list type from a parameter is "cannot verify"', () => {
    const target = goodWith((r) => { r.AllowlistGroup.Properties.RuleGroup.RulesSource.RulesSourceList.Targets.push(PARAM); });
    expect(ofRule(target, ID)).toEqual([]);
    expect(cannotVerify(target, ID).map((f) => f.message)).toEqual([expect.stringMatching(/which domains the allowlist admits \(\{"Ref":"FromParameter"\}\)/)]);
    const type = goodWith((r) => { r.AllowlistGroup.Properties.RuleGroup.RulesSource.RulesSourceList.GeneratedRulesType = PARAM; });
    expect(cannotVerify(type, ID).map((f) => f.message)).toEqual([expect.stringMatching(/whether the domain list is an allowlist/)]);
  });
});

describe('values AWS rejects', () => {
  test('an unknown stateful default action, a rule order, and defaults under DEFAULT_ACTION_ORDER are InvalidValue', () => {
    const findings = goodWith((r) => {
      r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = ['aws:drop_establish', 'aws:alert_established'];
      r.Other = { Type: 'AWS::NetworkFirewall::FirewallPolicy', Properties: { FirewallPolicy: { StatelessDefaultActions: ['aws:forward_to_sfe'], StatelessFragmentDefaultActions: ['aws:forward_to_sfe'], StatefulDefaultActions: ['aws:drop_strict', 'aws:alert_strict'], StatefulEngineOptions: { RuleOrder: 'DEFAULT_ACTION_ORDER' } } } };
    });
    expect(ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => f.message)).toEqual([
      expect.stringMatching(/names 'aws:drop_establish', which is not a stateful default action/),
      expect.stringMatching(/StatefulDefaultActions is set under DEFAULT_ACTION_ORDER/),
    ]);
  });

  test("a stateful default action named like an object method ('constructor') is InvalidValue, not a drop without its alert", () => {
    const findings = goodWith((r) => {
      r.Policy.Properties.FirewallPolicy.StatefulDefaultActions = ['constructor'];
    });
    expect(ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => f.message)).toEqual([
      expect.stringMatching(/names 'constructor', which is not a stateful default action/),
    ]);
    expect(findings.map((f) => f.message).join('\n')).not.toMatch(/function|native code/);
  });
});
