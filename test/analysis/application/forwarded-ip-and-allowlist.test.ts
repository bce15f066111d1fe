// The WAF rules that were construct warnings before (one id space): WafForwardedIpSpoofable, the MATCH fallback of
// WafForwardedIpFailOpen, WafAllowlistVeryBroad. CDK-free, on the templates of test/fixtures/templates/waf/.
import * as path from 'path';
import { readApp } from '../../../src/analysis/cfn';
import { CheckFinding, checkStacks } from '../../../src/analysis/engine';
import { StackInput } from '../../../src/analysis/model/resource';
import { resolveChecksOptions } from '../../../src/analysis/resolve-options';
import { RULES } from '../../../src/analysis/rules/registry';
import { judge, ofRule, sites } from '../support';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'waf');
const GOOD = 'good/forwarded-allowlist.yaml';
const SPOOFABLE = 'LayeredDefense-WafForwardedIpSpoofable';
const FAIL_OPEN = 'LayeredDefense-WafForwardedIpFailOpen';
const VERY_BROAD = 'LayeredDefense-WafAllowlistVeryBroad';

/** A fixture read as the CLI reads it (intrinsics resolved), under the stack id `Stack`. */
function fixture(file: string): any {
  const [stack] = readApp([path.join(FIXTURES, file)]).stacks;
  return JSON.parse(JSON.stringify(stack.template));
}

/** A fixture with one change made to its resources, judged. */
function judged(file: string, change: (resources: any) => void = () => undefined): CheckFinding[] {
  const template = fixture(file);
  change(template.Resources);
  return judge({ Stack: template });
}

function rule(resources: any, name: string): any {
  return resources.Acl.Properties.Rules.find((r: any) => r.Name === name);
}

/** The forwarded IP config of the office allowlist rule (under its NOT). */
function officeForwarded(resources: any): any {
  const not = rule(resources, 'AdminOnlyFromOffice').Statement.AndStatement.Statements[1].NotStatement.Statement;
  return (not.OrStatement?.Statements[0] ?? not).IPSetReferenceStatement.IPSetForwardedIPConfig;
}

function cannotVerify(findings: CheckFinding[], ruleId: string): CheckFinding[] {
  return ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ruleId} cannot verify`));
}

describe('the good fixture', () => {
  test('a forwarded-IP allowlist reading LAST with NO_MATCH, a missing-header guard, logging: zero findings of any rule', () => {
    // GIVEN / WHEN / THEN
    expect(judged(GOOD)).toEqual([]);
  });
});

describe('LayeredDefense-WafForwardedIpSpoofable', () => {
  test('Noncompliance: an allowlist reading the FIRST address and a rate limit by forwarded IP, each reported on the web ACL', () => {
    // GIVEN the bad fixture: Position FIRST under the NOT, and a FORWARDED_IP rate limit (ForwardedIPConfig reads the first)
    // WHEN
    const findings = ofRule(judged('bad/forwarded-ip-spoofable.yaml'), SPOOFABLE);
    // THEN
    expect(sites(findings)).toEqual([[SPOOFABLE, 'Stack/Acl'], [SPOOFABLE, 'Stack/Acl']]);
    expect(findings.map((f) => f.level)).toEqual(['warning', 'warning']);
    expect(findings[0].message).toMatch(/^rule 'AdminOnlyFromOffice' matches IP set Office against the FIRST address of X-Forwarded-For: a proxy appends/);
    expect(findings[1].message).toMatch(/^rule 'RateLimitPerClient' counts requests by the first address of X-Forwarded-For \(ForwardedIPConfig always reads the first\)/);
  });

  test('Noncompliance: position ANY', () => {
    const findings = ofRule(judged(GOOD, (r) => { officeForwarded(r).Position = 'ANY'; }), SPOOFABLE);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/^rule 'AdminOnlyFromOffice' matches IP set OfficeV4 against ANY address of X-Forwarded-For \(up to the last 10\)/)]);
  });

  test('Noncompliance: a geo match on the forwarded address, nested in an AND', () => {
    const findings = ofRule(judged(GOOD, (r) => {
      r.Acl.Properties.Rules.push({
        Name: 'OnlyUs',
        Priority: 30,
        Action: { Block: {} },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'geo' },
        Statement: { NotStatement: { Statement: { GeoMatchStatement: { CountryCodes: ['US'], ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'NO_MATCH' } } } } },
      });
    }), SPOOFABLE);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/^rule 'OnlyUs' judges the country of the first address of X-Forwarded-For/)]);
  });

  const addRule = (r: any, name: string, statement: unknown) => r.Acl.Properties.Rules.push({
    Name: name,
    Priority: 40 + r.Acl.Properties.Rules.length,
    Action: { Block: {} },
    VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: name },
    Statement: statement,
  });

  test('Noncompliance: an ASN match and a rate limit by the forwarded address, the header named when known', () => {
    const findings = ofRule(judged(GOOD, (r) => {
      addRule(r, 'OnlyOurAsn', { NotStatement: { Statement: { AsnMatchStatement: { AsnList: [64496], ForwardedIPConfig: { HeaderName: 'X-Client-IP', FallbackBehavior: 'NO_MATCH' } } } } });
      addRule(r, 'Throttle', { RateBasedStatement: { Limit: 100, AggregateKeyType: 'FORWARDED_IP', ForwardedIPConfig: { HeaderName: { 'Fn::ImportValue': 'HeaderName' }, FallbackBehavior: 'NO_MATCH' } } });
    }), SPOOFABLE);
    expect(findings.map((f) => f.message.split(':')[0])).toEqual([
      "rule 'OnlyOurAsn' judges the ASN of the first address of X-Client-IP (ForwardedIPConfig always reads the first)",
      "rule 'Throttle' counts requests by the first address of its forwarded IP header (ForwardedIPConfig always reads the first)",
    ]);
  });

  test('a forwarded IP config without a Position is an invalid value; one not known at all is "cannot verify"', () => {
    const noPosition = judged(GOOD, (r) => { delete officeForwarded(r).Position; });
    expect(ofRule(noPosition, SPOOFABLE)).toEqual([]);
    expect(ofRule(noPosition, 'LayeredDefense-CannotVerify')).toEqual([]);
    expect(ofRule(noPosition, 'LayeredDefense-InvalidValue').map((f) => [f.resource.logicalId, f.message])).toEqual([[
      'Acl', "rule 'AdminOnlyFromOffice' Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement.Statements[0].IPSetReferenceStatement"
        + '.IPSetForwardedIPConfig.Position is not set (one of FIRST, LAST, ANY belongs there): WAF rejects the web ACL',
    ]]);
    const unknownConfig = judged(GOOD, (r) => {
      addRule(r, 'Geo', { GeoMatchStatement: { CountryCodes: ['US'], ForwardedIPConfig: { 'Fn::ImportValue': 'GeoConfig' } } });
    });
    expect(ofRule(unknownConfig, SPOOFABLE)).toEqual([]);
    expect(cannotVerify(unknownConfig, SPOOFABLE).map((f) => f.message)).toEqual([expect.stringMatching(/rule 'Geo'.*GeoConfig/)]);
  });

  test('Compliance: position LAST, and statements on the connection address', () => {
    expect(ofRule(judged(GOOD), SPOOFABLE)).toEqual([]);
  });

  test('a position unknown at synth is "cannot verify", never a pass or a finding', () => {
    // GIVEN the position from an import no stack exports
    const findings = judged(GOOD, (r) => { officeForwarded(r).Position = { 'Fn::ImportValue': 'xff-position' }; });
    // THEN
    expect(ofRule(findings, SPOOFABLE)).toEqual([]);
    expect(sites(cannotVerify(findings, SPOOFABLE))).toEqual([['LayeredDefense-CannotVerify', 'Stack/Acl']]);
    expect(cannotVerify(findings, SPOOFABLE)[0].message).toMatch(/rule 'AdminOnlyFromOffice'.*Position/);
  });
});

describe('LayeredDefense-WafForwardedIpFailOpen: the MATCH fallback', () => {
  test('Noncompliance: MATCH under the allowlist NOT, and MATCH in an ALLOW rule; errors on the web ACL', () => {
    // GIVEN the bad fixture (the guard blocks requests without the header, so only the fallback fails open)
    // WHEN
    const findings = ofRule(judged('bad/forwarded-ip-match-fallback.yaml'), FAIL_OPEN);
    // THEN
    expect(sites(findings)).toEqual([[FAIL_OPEN, 'Stack/Acl'], [FAIL_OPEN, 'Stack/Acl']]);
    expect(findings.map((f) => f.level)).toEqual(['error', 'error']);
    expect(findings[0].message).toMatch(/^rule 'AdminOnlyFromOffice' blocks \/admin with X-Forwarded-For: \S+, but the same request with X-Forwarded-For: unknown is allowed \(by rule 'PartnerApi'\): with FallbackBehavior MATCH/);
    expect(findings[1].message).toMatch(/^rule 'PartnerApi' allows \/\S* with X-Forwarded-For: unknown, a header that holds no valid address/);
    expect(findings[0].fix).toMatch(/FallbackBehavior NO_MATCH/);
  });

  test('Compliance: the same web ACL with NO_MATCH', () => {
    const findings = judged('bad/forwarded-ip-match-fallback.yaml', (r) => {
      officeForwarded(r).FallbackBehavior = 'NO_MATCH';
      rule(r, 'PartnerApi').Statement.IPSetReferenceStatement.IPSetForwardedIPConfig.FallbackBehavior = 'NO_MATCH';
    });
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
  });

  test('Compliance: MATCH on a blocklist (the IP set directly in a BLOCK rule) fails closed: no fallback finding', () => {
    const findings = judged(GOOD, (r) => {
      r.Acl.Properties.Rules.push({
        Name: 'BlockedClients',
        Priority: 5,
        Action: { Block: {} },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'blocked' },
        Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['OfficeV4', 'Arn'] }, IPSetForwardedIPConfig: { HeaderName: 'X-Forwarded-For', Position: 'LAST', FallbackBehavior: 'MATCH' } } },
      });
    });
    // (a request without the header still skips it: the missing-header finding, not a fallback one)
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([expect.stringMatching(/^rule 'BlockedClients' blocks \/ with X-Forwarded-For: \S+, but the same request without X-Forwarded-For is allowed/)]);
  });

  test('the missing-header case still holds: without the guard rule the allowlist fails open', () => {
    const findings = judged(GOOD, (r) => {
      r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminMissingForwardedIp');
    });
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([expect.stringMatching(/^rule 'AdminOnlyFromOffice' blocks \/admin\S* with X-Forwarded-For: \S+, but the same request without X-Forwarded-For is allowed/)]);
  });
});

describe('LayeredDefense-WafAllowlistVeryBroad', () => {
  test('Noncompliance: an allowlist set of 128.0.0.0/1 under the NOT; the blocklist /1 is not an exemption', () => {
    // GIVEN / WHEN
    const findings = ofRule(judged('bad/allowlist-very-broad.yaml'), VERY_BROAD);
    // THEN one finding, on the web ACL, naming the rule, the share, the set and its entries
    expect(sites(findings)).toEqual([[VERY_BROAD, 'Stack/Acl']]);
    expect(findings[0].level).toBe('warning');
    expect(findings[0].message).toBe("rule 'AdminOnlyFromOffice' exempts 50% of the IPv4 address space from its block (IP set OfficeV4: '128.0.0.0/1'): almost anyone can reach what it protects");
  });

  test('the exempt sets of a rule count together: two /2 sets are half the space; a /2 and a /3 are not', () => {
    const twoSets = (second: string) => judged(GOOD, (r) => {
      r.OfficeV4.Properties.Addresses = ['0.0.0.0/2'];
      r.OfficeV4b = { Type: 'AWS::WAFv2::IPSet', Properties: { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: [second] } };
      rule(r, 'AdminOnlyFromOffice').Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement.Statements.push(
        { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['OfficeV4b', 'Arn'] } } });
    });
    expect(ofRule(twoSets('64.0.0.0/2'), VERY_BROAD).map((f) => f.message))
      .toEqual([expect.stringMatching(/^rule 'AdminOnlyFromOffice' exempts 50% of the IPv4 address space from its block \(IP sets OfficeV4, OfficeV4b: '0\.0\.0\.0\/2', '64\.0\.0\.0\/2'\)/)]);
    expect(ofRule(twoSets('64.0.0.0/3'), VERY_BROAD)).toEqual([]);
  });

  test('one set exempted twice in a rule counts once; a set read once serves every rule that exempts it', () => {
    // GIVEN a set exempted twice by the allowlist rule, and a copy of the rule under another name
    const twice = (addresses: string[]) => judged(GOOD, (r) => {
      r.OfficeV4.Properties.Addresses = addresses;
      const allowlist = rule(r, 'AdminOnlyFromOffice');
      allowlist.Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement.Statements.push(
        { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['OfficeV4', 'Arn'] } } });
      r.Acl.Properties.Rules.push({ ...JSON.parse(JSON.stringify(allowlist)), Name: 'AdminCopy', Priority: 99 });
    });
    // WHEN judged THEN a /2 twice is still a quarter of the space; a /1 is half of it, in each rule
    expect(ofRule(twice(['0.0.0.0/2']), VERY_BROAD)).toEqual([]);
    const broad = ofRule(twice(['128.0.0.0/1', '192.0.2.0/24']), VERY_BROAD);
    expect(broad.map((f) => f.message.split(' exempts')[0])).toEqual(["rule 'AdminOnlyFromOffice'", "rule 'AdminCopy'"]);
    // and the set's addresses are listed once
    expect(broad[0].message).toContain("(IP set OfficeV4: '128.0.0.0/1', '192.0.2.0/24')");
  });

  test('two stacks, each with its own IP set of one logical id: each web ACL is judged on its own stack\'s set', () => {
    // GIVEN the allowlist web ACL in two stacks, OfficeV4 narrow in the first and half the space in the second
    const narrow = fixture(GOOD);
    narrow.Resources.OfficeV4.Properties.Addresses = ['192.0.2.0/24'];
    const broad = fixture(GOOD);
    broad.Resources.OfficeV4.Properties.Addresses = ['128.0.0.0/1'];
    // WHEN judged together (in either order)
    for (const stacks of [{ Narrow: narrow, Broad: broad }, { Broad: broad, Narrow: narrow }]) {
      // THEN only the second stack's web ACL exempts too much
      expect(sites(ofRule(judge(stacks), VERY_BROAD))).toEqual([[VERY_BROAD, 'Broad/Acl']]);
    }
  });

  test('IPv6 by its own space; a set under two NOTs is matched, not exempted', () => {
    const v6 = judged(GOOD, (r) => { r.OfficeV6.Properties.Addresses = ['8000::/1']; });
    expect(ofRule(v6, VERY_BROAD).map((f) => f.message)).toEqual([expect.stringMatching(/exempts 50% of the IPv6 address space/)]);
    const doubleNot = judged('bad/allowlist-very-broad.yaml', (r) => {
      const and = rule(r, 'AdminOnlyFromOffice').Statement.AndStatement;
      and.Statements[1] = { NotStatement: { Statement: and.Statements[1] } };
    });
    expect(ofRule(doubleNot, VERY_BROAD)).toEqual([]);
  });

  test('GIVEN an exempt set of more than six blocks WHEN reported THEN five are listed and the rest counted', () => {
    // 8 x /4 = half the IPv4 space
    const blocks = ['0', '16', '32', '48', '64', '80', '96', '112'].map((first) => `${first}.0.0.0/4`);
    const findings = judged(GOOD, (r) => { r.OfficeV4.Properties.Addresses = blocks; });
    expect(ofRule(findings, VERY_BROAD).map((f) => f.message)).toEqual([
      "rule 'AdminOnlyFromOffice' exempts 50% of the IPv4 address space from its block (IP set OfficeV4: '0.0.0.0/4', '16.0.0.0/4', '32.0.0.0/4', "
        + "'48.0.0.0/4', '64.0.0.0/4' and 3 more): almost anyone can reach what it protects",
    ]);
  });

  test('GIVEN an exempt set of exactly six blocks WHEN reported THEN all six are listed', () => {
    const blocks = ['0', '32', '64', '96', '128', '160'].map((first) => `${first}.0.0.0/3`);
    const findings = judged(GOOD, (r) => { r.OfficeV4.Properties.Addresses = blocks; });
    expect(ofRule(findings, VERY_BROAD).map((f) => f.message)).toEqual([expect.stringContaining(`(IP set OfficeV4: ${blocks.map((b) => `'${b}'`).join(', ')})`)]);
  });

  test('GIVEN an exempt block written with host bits WHEN judged THEN it counts as the block WAF makes of it', () => {
    const findings = judged('bad/allowlist-very-broad.yaml', (r) => { r.OfficeV4.Properties.Addresses = ['128.0.0.1/1']; });
    expect(ofRule(findings, VERY_BROAD).map((f) => f.message)).toEqual([expect.stringMatching(/exempts 50% of the IPv4 address space .*'128\.0\.0\.1\/1'/)]);
  });

  test('GIVEN the set under one NOT directly inside the AND WHEN judged THEN it is exempt: only NOTs count, not the statements around them', () => {
    const findings = judged('bad/allowlist-very-broad.yaml', (r) => {
      const and = rule(r, 'AdminOnlyFromOffice').Statement.AndStatement;
      and.Statements[1] = { NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['OfficeV4', 'Arn'] } } } } };
    });
    expect(ofRule(findings, VERY_BROAD).map((f) => f.message)).toEqual([expect.stringMatching(/^rule 'AdminOnlyFromOffice' exempts 50% of the IPv4 address space/)]);
  });

  test('GIVEN an exempt set with an address AWS rejects WHEN judged THEN that address exempts nothing (InvalidValue reports it)', () => {
    // GIVEN half the space in two /2s, one of them written with a bad prefix
    const findings = judged(GOOD, (r) => { r.OfficeV4.Properties.Addresses = ['0.0.0.0/2', '64.0.0.0/33']; });
    // THEN only 0.0.0.0/2 counts: a quarter, not broad
    expect(ofRule(findings, VERY_BROAD)).toEqual([]);
    expect(cannotVerify(findings, VERY_BROAD)).toEqual([]);
    expect(ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => [f.resource.logicalId, f.message])).toEqual([
      ['OfficeV4', "Addresses[1] '64.0.0.0/33' (it has prefix length 33, out of range (0-32 for IPv4)) is not a CIDR: WAF rejects the IP set"],
    ]);
  });

  test.each([
    ['an IPv6 block in an IPV4 set', ['198.51.100.0/24', '2001:db8::/32'], "Addresses[1] '2001:db8::/32' is not IPv4, the set's IPAddressVersion: WAF rejects the IP set"],
    ['a /0', ['0.0.0.0/0'], "Addresses[0] '0.0.0.0/0': an IP set cannot hold /0 (WAF rejects it; to match every address, use no IP set)"],
    ['a /0 written with host bits', ['10.0.0.0/0'], "Addresses[0] '10.0.0.0/0': an IP set cannot hold /0 (WAF rejects it; to match every address, use no IP set)"],
    ['four blocks that are no CIDRs', ['a', 'b', 'c', 'd'], /^Addresses\[0\] 'a' \(its address .+\), Addresses\[1\] 'b' \(its .+\), Addresses\[2\] 'c' \(its .+\) and 1 more are not a CIDR: WAF rejects the IP set$/],
    ['an address without a prefix length', ['192.0.2.1', '198.51.100.0/24'], "Addresses[0] '192.0.2.1' (it has no prefix length: write 192.0.2.1/32 for one address) is not a CIDR: WAF rejects the IP set"],
  ])('GIVEN an IP set with %s WHEN judged THEN it is an invalid value', (_, addresses, problem) => {
    const findings = judged(GOOD, (r) => { r.OfficeV4.Properties.Addresses = addresses; });
    const invalid = ofRule(findings, 'LayeredDefense-InvalidValue');
    expect(sites(invalid)).toEqual([['LayeredDefense-InvalidValue', 'Stack/OfficeV4']]);
    expect(invalid[0].message).toMatch(typeof problem === 'string' ? new RegExp(`^${problem.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) : problem);
  });

  test.each([
    ['a lowercase IPAddressVersion', { IPAddressVersion: 'ipv4' }, ["IPAddressVersion 'ipv4' is not IPV4 or IPV6: CloudFormation rejects the IP set"]],
    ['both families under an IPAddressVersion not known', { IPAddressVersion: { 'Fn::ImportValue': 'Version' }, Addresses: ['192.0.2.0/24', '2001:db8::/32'] },
      ['the IP set holds both IPv4 and IPv6 addresses, and an IP set has one IP version: WAF rejects it whatever IPAddressVersion is']],
    ['one family under an IPAddressVersion not known', { IPAddressVersion: { 'Fn::ImportValue': 'Version' }, Addresses: ['192.0.2.0/24'] }, []],
    ['addresses from a dynamic reference', { Addresses: ['{{resolve:ssm:/waf/office-cidr}}'] }, []],
    ['host bits set', { Addresses: ['198.51.100.7/24'] }, []],
  ])('GIVEN an IP set with %s WHEN judged THEN InvalidValue says %j', (_, properties, problems) => {
    const findings = judged(GOOD, (r) => { Object.assign(r.OfficeV4.Properties, properties); });
    expect(ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => f.message)).toEqual(problems);
  });

  test('GIVEN an IP set of more than 10,000 addresses WHEN judged THEN it is an invalid value', () => {
    const addresses = Array.from({ length: 10_001 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const findings = judged(GOOD, (r) => { r.OfficeV4.Properties.Addresses = addresses; });
    expect(ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => f.message)).toEqual(['the IP set has 10001 addresses, more than the 10000 WAF allows']);
  });

  test.each([
    ['CAPTCHA', 1, { Captcha: {} }],
    ['CHALLENGE', 1, { Challenge: {} }],
    ['COUNT', 0, { Count: {} }],
    ['ALLOW', 0, { Allow: {} }],
  ])('GIVEN the broad exemption in a %s rule WHEN judged THEN %i finding(s): only rules that stop requests exempt anyone', (_, count, action) => {
    const findings = judged('bad/allowlist-very-broad.yaml', (r) => { rule(r, 'AdminOnlyFromOffice').Action = action; });
    expect(ofRule(findings, VERY_BROAD)).toHaveLength(count);
  });

  test('GIVEN a rule whose action is not known WHEN judged THEN it is not judged here (the evaluator rules report the action)', () => {
    const findings = judged('bad/allowlist-very-broad.yaml', (r) => { rule(r, 'AdminOnlyFromOffice').Action = { 'Fn::If': ['Strict', { Block: {} }, { Count: {} }] }; });
    expect(ofRule(findings, VERY_BROAD)).toEqual([]);
    expect(cannotVerify(findings, VERY_BROAD)).toEqual([]);
  });

  test('GIVEN a web ACL whose rules are not known WHEN judged THEN it cannot verify which sources they exempt', () => {
    const findings = judged(GOOD, (r) => { r.Acl.Properties.Rules = { 'Fn::ImportValue': 'SharedRules' }; });
    expect(cannotVerify(findings, VERY_BROAD).map((f) => f.message)).toEqual([
      'LayeredDefense-WafAllowlistVeryBroad cannot verify which sources the web ACL\'s rules exempt (Rules is {"Fn::ImportValue":"SharedRules"}, not known at synth): the value is not known',
    ]);
  });

  test('GIVEN the broad set matched directly (not under a NOT) in a BLOCK rule WHEN judged THEN it is a blocklist, not an exemption', () => {
    const findings = judged('bad/allowlist-very-broad.yaml', (r) => {
      const and = rule(r, 'AdminOnlyFromOffice').Statement.AndStatement;
      and.Statements[1] = and.Statements[1].NotStatement.Statement;
    });
    expect(ofRule(findings, VERY_BROAD)).toEqual([]);
  });

  test('an exempt set whose addresses are unknown is "cannot verify"', () => {
    const findings = judged(GOOD, (r) => { r.OfficeV4.Properties.Addresses = { 'Fn::ImportValue': 'office-ranges' }; });
    expect(ofRule(findings, VERY_BROAD)).toEqual([]);
    expect(cannotVerify(findings, VERY_BROAD).map((f) => f.message)).toEqual([expect.stringMatching(/how many addresses rule 'AdminOnlyFromOffice' exempts from its block/)]);
  });
});

describe('LayeredDefense-WafForwardedIpFailOpen: which rules, which requests', () => {
  const withoutGuard = (r: any) => {
    r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminMissingForwardedIp');
  };
  const visibility = (name: string) => ({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: name });

  test.each([
    [{ Captcha: {} }, 'puts a CAPTCHA in front of'],
    [{ Challenge: {} }, 'challenges'],
  ])('GIVEN the allowlist rule with action %j and no missing-header guard WHEN judged THEN it fails open like a BLOCK', (action, verb) => {
    const findings = judged(GOOD, (r) => {
      withoutGuard(r);
      rule(r, 'AdminOnlyFromOffice').Action = action;
    });
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      `rule 'AdminOnlyFromOffice' ${verb} /admin with X-Forwarded-For: 192.0.2.77, but the same request without X-Forwarded-For is allowed `
        + '(by the default action): WAF skips the rule when the header is missing',
    ]);
  });

  test('GIVEN the allowlist rule as COUNT WHEN judged THEN nothing: a COUNT rule stops no request', () => {
    const findings = judged(GOOD, (r) => {
      withoutGuard(r);
      rule(r, 'AdminOnlyFromOffice').Action = { Count: {} };
    });
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN)).toEqual([]);
  });

  test('GIVEN MATCH on one of the two forwarded configs of the allowlist WHEN judged THEN the header without an address gets through', () => {
    const findings = judged(GOOD, (r) => {
      const or = rule(r, 'AdminOnlyFromOffice').Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement;
      or.Statements[0].IPSetReferenceStatement.IPSetForwardedIPConfig.FallbackBehavior = 'MATCH';
    });
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      "rule 'AdminOnlyFromOffice' blocks /admin with X-Forwarded-For: 192.0.2.77, but the same request with X-Forwarded-For: unknown is allowed "
        + '(by the default action): with FallbackBehavior MATCH a header that holds no valid address counts as a match',
    ]);
  });

  test('GIVEN an ALLOW rule with MATCH after a rule that allows everything WHEN judged THEN nothing for it: no request reaches it', () => {
    const findings = judged('bad/forwarded-ip-match-fallback.yaml', (r) => {
      r.Acl.Properties.Rules.push({
        Name: 'AllowAll',
        Priority: 15,
        Action: { Allow: {} },
        VisibilityConfig: visibility('all'),
        Statement: { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
      });
    });
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message.split(' with ')[0])).toEqual(["rule 'AdminOnlyFromOffice' blocks /admin"]);
  });

  test('GIVEN an ALLOW rule with MATCH on one path WHEN judged THEN the samples of that path find it, past the first sample', () => {
    // GIVEN the partner rule only for /partner (the first samples are for '/', which it never allows)
    const findings = judged('bad/forwarded-ip-match-fallback.yaml', (r) => {
      const partner = rule(r, 'PartnerApi');
      partner.Statement = {
        AndStatement: {
          Statements: [
            { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/partner', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
            partner.Statement,
          ],
        },
      };
    });
    // THEN
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      expect.stringMatching(/^rule 'AdminOnlyFromOffice' blocks \/admin /),
      "rule 'PartnerApi' allows /partner with X-Forwarded-For: unknown, a header that holds no valid address: "
        + 'with FallbackBehavior MATCH it counts as a match, so the request skips every later rule',
    ]);
  });

  // WAF does not apply a rule at all to a request that lacks the rule's forwarded IP header, so a path match beside the
  // forwarded address in the rule never runs for it either, even one that would block every request.
  // @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
  test.each([
    ['/private', "rule 'PathOrPartner' blocks / with X-Forwarded-For: 192.0.2.0, but the same request without X-Forwarded-For is allowed"],
    ['/', "rule 'PathOrPartner' blocks / with X-Forwarded-For: 192.0.2.77, but the same request without X-Forwarded-For is allowed"],
  ])('GIVEN BLOCK (a path starting %s OR a forwarded address in the partner set) WHEN judged THEN without the header the whole rule is skipped', (prefix, message) => {
    const findings = judged('bad/forwarded-ip-match-fallback.yaml', (r) => {
      r.Acl.Properties.Rules = [{
        Name: 'PathOrPartner',
        Priority: 1,
        Action: { Block: {} },
        VisibilityConfig: visibility('path-or-partner'),
        Statement: {
          OrStatement: {
            Statements: [
              { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: prefix, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
              { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Partner', 'Arn'] }, IPSetForwardedIPConfig: { HeaderName: 'X-Forwarded-For', Position: 'LAST', FallbackBehavior: 'NO_MATCH' } } },
            ],
          },
        },
      }];
    });
    // THEN the finding, and nothing that failed reading
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([`${message} (by the default action): WAF skips the rule when the header is missing`]);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify')).toEqual([]);
  });

  test('GIVEN web ACL rules not known at synth WHEN judged THEN one "cannot verify" per forwarded-IP rule, naming the value', () => {
    const findings = judged(GOOD, (r) => { r.Acl.Properties.Rules = { 'Fn::ImportValue': 'Rules' }; });
    expect(cannotVerify(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      'LayeredDefense-WafForwardedIpFailOpen cannot verify forwarded IP handling (Rules is {"Fn::ImportValue":"Rules"}, not known at synth): the value is not known',
    ]);
    expect(cannotVerify(findings, SPOOFABLE).map((f) => f.message)).toEqual([
      'LayeredDefense-WafForwardedIpSpoofable cannot verify which address of a forwarded IP header the web ACL reads (Rules is {"Fn::ImportValue":"Rules"}, not known at synth): the value is not known',
    ]);
  });

  test('GIVEN the addresses of the partner set not known WHEN judged THEN each check of each rule says it cannot verify, and why', () => {
    const findings = judged('bad/forwarded-ip-match-fallback.yaml', (r) => {
      r.Partner.Properties.Addresses = { 'Fn::Split': [',', { 'Fn::ImportValue': 'PartnerCidrs' }] };
    });
    const why = '(no addresses given for the IP set {"Fn::GetAtt":["Partner","Arn"]} (key \'Partner\')): the value is not known';
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      `LayeredDefense-WafForwardedIpFailOpen cannot verify rule 'AdminOnlyFromOffice' without its forwarded IP header ${why}`,
      `LayeredDefense-WafForwardedIpFailOpen cannot verify rule 'AdminOnlyFromOffice' with a forwarded IP header that holds no address ${why}`,
      `LayeredDefense-WafForwardedIpFailOpen cannot verify rule 'PartnerApi' with a forwarded IP header that holds no address ${why}`,
    ]);
  });
});

describe('LayeredDefense-WafForwardedIpFailOpen: rule groups', () => {
  // A terminating Allow inside a rule group ends the web ACL's evaluation, so a group after a forwarded-IP rule can
  // let in what that rule would have blocked had the header been there.
  // https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html
  const visibility = (name: string) => ({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: name });
  const OUTSIDE_ARN = 'arn:aws:wafv2:us-east-1:111111111111:regional/rulegroup/shared/0a1b2c3d';
  const reference = (priority: number, arn: unknown) =>
    ({ Name: 'Shared', Priority: priority, OverrideAction: { None: {} }, VisibilityConfig: visibility('shared'), Statement: { RuleGroupReferenceStatement: { Arn: arn } } });
  const allowEverything = {
    Type: 'AWS::WAFv2::RuleGroup',
    Properties: {
      Name: 'shared',
      Scope: 'REGIONAL',
      Capacity: 10,
      VisibilityConfig: visibility('group'),
      Rules: [{
        Name: 'AllowEverything',
        Priority: 0,
        Action: { Allow: {} },
        VisibilityConfig: visibility('all'),
        Statement: { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
      }],
    },
  };
  /** The good fixture without its missing-header guard, blocking by default, with a rule group reference added. */
  const withGroup = (priority: number, arn: unknown, group?: unknown) => judged(GOOD, (r) => {
    r.Acl.Properties.Rules = [...r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminMissingForwardedIp'), reference(priority, arn)];
    r.Acl.Properties.DefaultAction = { Block: {} };
    if (group) {
      r.Group = group;
    }
  });

  test('GIVEN a group of the templates that allows everything after the allowlist WHEN judged THEN a request without the header gets in, through the group', () => {
    const findings = withGroup(30, { 'Fn::GetAtt': ['Group', 'Arn'] }, allowEverything);
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      "rule 'AdminOnlyFromOffice' blocks /admin with X-Forwarded-For: 192.0.2.77, but the same request without X-Forwarded-For is allowed "
        + "(by rule 'AllowEverything' of rule group Stack/Group, referenced by rule 'Shared'): WAF skips the rule when the header is missing",
    ]);
  });

  test('GIVEN a group from outside the templates after the allowlist WHEN judged THEN it cannot verify the request without the header, naming the group', () => {
    const findings = withGroup(30, OUTSIDE_ARN);
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      "LayeredDefense-WafForwardedIpFailOpen cannot verify rule 'AdminOnlyFromOffice' without its forwarded IP header (rule groups the request passes may allow it: "
        + `rule 'Shared' references rule group "${OUTSIDE_ARN}", which names no AWS::WAFv2::RuleGroup of the templates judged: its rules may allow): the value is not known`,
    ]);
  });

  test('GIVEN the same group before the allowlist, which its with-header samples pass too WHEN judged THEN still "cannot verify"; with the guard first, nothing', () => {
    expect(cannotVerify(withGroup(5, OUTSIDE_ARN), FAIL_OPEN)).toHaveLength(1);
    // The guard blocks every request without the header before any group sees it.
    const guarded = judged(GOOD, (r) => { r.Acl.Properties.Rules.push(reference(30, OUTSIDE_ARN)); });
    expect(ofRule(guarded, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(guarded, FAIL_OPEN)).toEqual([]);
  });
});

describe(`${FAIL_OPEN}: an allowlist split into a labelling COUNT rule and a BLOCK on the label`, () => {
  /**
   * The good fixture with its allowlist written in two steps, as label-based web ACLs do: AdminOnlyFromOffice counts and
   * labels outsiders (`outsider`), and BlockOutsiders (priority 12) blocks the label. `guarded` keeps the missing-header
   * guard at priority 10.
   */
  const split = (guarded: boolean) => judged(GOOD, (r) => {
    const allowlist = rule(r, 'AdminOnlyFromOffice');
    allowlist.Action = { Count: {} };
    allowlist.RuleLabels = [{ Name: 'outsider' }];
    r.Acl.Properties.Rules.push({
      Name: 'BlockOutsiders',
      Priority: 12,
      Action: { Block: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'outsiders' },
      Statement: { LabelMatchStatement: { Scope: 'LABEL', Key: 'outsider' } },
    });
    if (!guarded) {
      r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminMissingForwardedIp');
    }
  });

  test('GIVEN no missing-header guard WHEN judged THEN the unlabelled request gets in: one error naming the COUNT rule and the rule that blocks its label', () => {
    // /admin from 192.0.2.77 (outside the office) is labelled and blocked; without X-Forwarded-For the COUNT rule is
    // skipped, no label is added, and the default action (Allow) lets it in
    expect(ofRule(split(false), FAIL_OPEN).map((f) => f.message)).toEqual([
      "rule 'AdminOnlyFromOffice' (COUNT) labels /admin with X-Forwarded-For: 192.0.2.77 (outsider) and rule 'BlockOutsiders' blocks it, but the same request "
        + 'without X-Forwarded-For is allowed (by the default action): WAF skips the rule when the header is missing, so it adds no label',
    ]);
  });

  test('GIVEN the missing-header guard first WHEN judged THEN nothing', () => {
    expect(ofRule(split(true), FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(split(true), FAIL_OPEN)).toEqual([]);
  });
});

describe(`${FAIL_OPEN}: the label blocked by its full name (awswaf:<account>:webacl:<Name>:outsider)`, () => {
  /** The split allowlist without the guard, BlockOutsiders naming the label in full; the web ACL named `Edge`. */
  const fullKey = (key: unknown, environment?: string, name: string | null = 'Edge') => {
    const template = fixture(GOOD);
    const r = template.Resources;
    if (name !== null) {
      r.Acl.Properties.Name = name;
    }
    const allowlist = rule(r, 'AdminOnlyFromOffice');
    allowlist.Action = { Count: {} };
    allowlist.RuleLabels = [{ Name: 'outsider' }];
    r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminMissingForwardedIp');
    r.Acl.Properties.Rules.push({
      Name: 'BlockOutsiders',
      Priority: 12,
      Action: { Block: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'outsiders' },
      Statement: { LabelMatchStatement: { Scope: 'LABEL', Key: key } },
    });
    const stacks: StackInput[] = [{ id: 'Stack', stackName: 'Stack', template, ...(environment !== undefined ? { environment } : {}) }];
    return checkStacks(stacks, resolveChecksOptions('test', {}, RULES.map((x) => x.id)));
  };
  const KEY = 'awswaf:111122223333:webacl:Edge:outsider';
  const LOST = "rule 'AdminOnlyFromOffice' (COUNT) labels /admin with X-Forwarded-For: 192.0.2.77 (outsider) and rule 'BlockOutsiders' blocks it, but the same request "
    + 'without X-Forwarded-For is allowed (by the default action): WAF skips the rule when the header is missing, so it adds no label';

  test('GIVEN the stack\'s account and the web ACL\'s Name known WHEN judged THEN the lost label is found, as with the short Key', () => {
    expect(ofRule(fullKey(KEY, 'aws://111122223333/us-east-1'), FAIL_OPEN).map((f) => f.message)).toEqual([LOST]);
  });

  test('GIVEN another account in the Key WHEN judged THEN the block never sees the label, so no request is labelled and blocked: nothing to lose', () => {
    expect(ofRule(fullKey('awswaf:444455556666:webacl:Edge:outsider', 'aws://111122223333/us-east-1'), FAIL_OPEN)).toEqual([]);
  });

  test('GIVEN an environment-agnostic stack WHEN judged THEN "cannot verify", naming the Key and the unknown account', () => {
    const findings = fullKey(KEY);
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN).map((f) => f.message)).toEqual([expect.stringContaining(
      `rule 'BlockOutsiders' Statement.LabelMatchStatement.Key '${KEY}' names a label in full, and the account of the web ACL that adds it is not known at synth`)]);
  });

  test('GIVEN an environment-agnostic stack and a Key that spells its account with !Sub ${AWS::AccountId} WHEN judged THEN the same finding: it is the web ACL\'s own account', () => {
    expect(ofRule(fullKey({ 'Fn::Sub': 'awswaf:${AWS::AccountId}:webacl:Edge:outsider' }), FAIL_OPEN).map((f) => f.message)).toEqual([LOST]);
    const other = fullKey({ 'Fn::Sub': 'awswaf:${AWS::AccountId}:webacl:Other:outsider' });
    expect(ofRule(other, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(other, FAIL_OPEN)).toEqual([]);
  });

  test('GIVEN a Key WAF rejects (empty, or a character outside letters, digits, _, - and :) WHEN judged THEN InvalidValue names it', () => {
    for (const key of ['', 'outsider label', 'awswaf:${AccountId}:webacl:Edge:outsider']) {
      expect(ofRule(fullKey(key), 'LayeredDefense-InvalidValue').map((f) => f.message)).toEqual([
        expect.stringContaining(`rule 'BlockOutsiders' Statement.LabelMatchStatement.Key is ${JSON.stringify(key)}, not a label key (1 to 1,024 letters, digits, _, - and :)`),
      ]);
    }
  });

  test('GIVEN a web ACL without a Name (CloudFormation generates one) WHEN judged THEN "cannot verify", naming the Name', () => {
    const findings = fullKey(KEY, 'aws://111122223333/us-east-1', null);
    expect(cannotVerify(findings, FAIL_OPEN).map((f) => f.message)).toEqual([expect.stringContaining('the Name of the web ACL that adds it is not known at synth')]);
  });
});

describe(`${FAIL_OPEN}: the labelling rule and the rule that blocks on its label in different places (web ACL, rule group)`, () => {
  const visibility = (name: string) => ({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: name });
  const blockOn = (name: string, key: unknown) => ({ Name: name, Priority: 12, Action: { Block: {} }, VisibilityConfig: visibility(name), Statement: { LabelMatchStatement: { Scope: 'LABEL', Key: key } } });
  const group = (rules: unknown[]) => ({ Type: 'AWS::WAFv2::RuleGroup', Properties: { Name: 'Shared', Scope: 'REGIONAL', Capacity: 50, VisibilityConfig: visibility('group'), Rules: rules } });
  const reference = (priority: number) => ({ Name: 'UseShared', Priority: priority, OverrideAction: { None: {} }, VisibilityConfig: visibility('ref'), Statement: { RuleGroupReferenceStatement: { Arn: { 'Fn::GetAtt': ['Group', 'Arn'] } } } });
  /** The good fixture without its missing-header guard, the web ACL named Edge. */
  const unguarded = (change: (r: any) => void) => judged(GOOD, (r) => {
    r.Acl.Properties.Name = 'Edge';
    r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminMissingForwardedIp');
    change(r);
  });

  test('GIVEN the web ACL\'s COUNT rule labels and a rule group\'s rule blocks on the label (by its full name) WHEN judged THEN the lost label is found, naming the group\'s rule', () => {
    const findings = unguarded((r) => {
      const allowlist = rule(r, 'AdminOnlyFromOffice');
      allowlist.Action = { Count: {} };
      allowlist.RuleLabels = [{ Name: 'outsider' }];
      r.Group = group([{ ...blockOn('BlockOutsiders', { 'Fn::Sub': 'awswaf:${AWS::AccountId}:webacl:Edge:outsider' }), Priority: 0 }]);
      r.Acl.Properties.Rules.push(reference(12));
    });
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      "rule 'AdminOnlyFromOffice' (COUNT) labels /admin with X-Forwarded-For: 192.0.2.77 (outsider) and rule 'BlockOutsiders' of rule group Stack/Group "
        + "(referenced by rule 'UseShared') blocks it, but the same request without X-Forwarded-For is allowed (by the default action): WAF skips the rule when the "
        + 'header is missing, so it adds no label',
    ]);
  });

  test('GIVEN a rule group\'s COUNT rule labels and the web ACL blocks on the label (by its full name) WHEN judged THEN the lost label is found, naming the group\'s rule', () => {
    const findings = unguarded((r) => {
      const allowlist = rule(r, 'AdminOnlyFromOffice');
      r.Group = group([{ ...allowlist, Priority: 0, Action: { Count: {} }, RuleLabels: [{ Name: 'outsider' }] }]);
      r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminOnlyFromOffice');
      r.Acl.Properties.Rules.push(reference(11), blockOn('BlockOutsiders', { 'Fn::Sub': 'awswaf:${AWS::AccountId}:rulegroup:Shared:outsider' }));
    });
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      "rule 'AdminOnlyFromOffice' of rule group Stack/Group (referenced by rule 'UseShared') (COUNT) labels /admin with X-Forwarded-For: 192.0.2.77 (outsider) and "
        + "rule 'BlockOutsiders' blocks it, but the same request without X-Forwarded-For is allowed (by the default action): WAF skips the rule when the header is "
        + 'missing, so it adds no label',
    ]);
  });

  test('GIVEN the web ACL and a group each labelling outsiders, and the web ACL blocking on its own label by the short name WHEN judged THEN only the web ACL\'s rule is reported', () => {
    const findings = unguarded((r) => {
      const allowlist = rule(r, 'AdminOnlyFromOffice');
      allowlist.Action = { Count: {} };
      allowlist.RuleLabels = [{ Name: 'outsider' }];
      r.Group = group([{ ...allowlist, Name: 'GroupTagsOutsiders', Priority: 0 }]);
      r.Acl.Properties.Rules.push(reference(5), blockOn('BlockOutsiders', 'outsider'));
    });
    expect(ofRule(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      expect.stringMatching(/^rule 'AdminOnlyFromOffice' \(COUNT\) labels \/admin with X-Forwarded-For: 192\.0\.2\.77 \(outsider\) and rule 'BlockOutsiders' blocks it/),
    ]);
  });

  test('GIVEN the same, the web ACL blocking on the group\'s label by its short name WHEN judged THEN nothing: the short Key never sees a group\'s label', () => {
    const findings = unguarded((r) => {
      const allowlist = rule(r, 'AdminOnlyFromOffice');
      r.Group = group([{ ...allowlist, Priority: 0, Action: { Count: {} }, RuleLabels: [{ Name: 'outsider' }] }]);
      r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminOnlyFromOffice');
      r.Acl.Properties.Rules.push(reference(11), blockOn('BlockOutsiders', 'outsider'));
    });
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
  });
});

describe(`${FAIL_OPEN}: an allowlist rule whose action is not known at synth`, () => {
  const undecided = (guarded: boolean) => judged(GOOD, (r) => {
    rule(r, 'AdminOnlyFromOffice').Action = { 'Fn::If': ['Strict', { Block: {} }, { Count: {} }] };
    if (!guarded) {
      r.Acl.Properties.Rules = r.Acl.Properties.Rules.filter((x: any) => x.Name !== 'AdminMissingForwardedIp');
    }
  });

  test('GIVEN no guard WHEN judged THEN "cannot verify": as a BLOCK it would fail open, and the message says how', () => {
    const findings = undecided(false);
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN).map((f) => f.message)).toEqual([
      expect.stringMatching(new RegExp(`^${FAIL_OPEN} cannot verify forwarded IP handling of rule 'AdminOnlyFromOffice': rule 'AdminOnlyFromOffice' Action .*Fn::If.*; `
        + "as a BLOCK, rule 'AdminOnlyFromOffice' blocks /admin with X-Forwarded-For: 192\\.0\\.2\\.77, but the same request without X-Forwarded-For is allowed")),
    ]);
  });

  test('GIVEN the guard first WHEN judged THEN nothing: as a BLOCK or not, no request without the header gets in', () => {
    expect(cannotVerify(undecided(true), FAIL_OPEN)).toEqual([]);
  });
});

describe('LayeredDefense-WafForwardedIpSpoofable: messages and unknowns', () => {
  test('GIVEN the FIRST position WHEN reported THEN the message says why the client chooses the address', () => {
    const findings = judged(GOOD, (r) => { officeForwarded(r).Position = 'FIRST'; });
    expect(ofRule(findings, SPOOFABLE).map((f) => f.message)).toEqual([
      "rule 'AdminOnlyFromOffice' matches IP set OfficeV4 against the FIRST address of X-Forwarded-For: a proxy appends the address it saw at the end of "
        + 'the header and keeps what the client sent before it, so the client chooses this address (an allowlisted one, or a new one per request)',
    ]);
  });

  test('GIVEN one rule with two statements on client-written addresses WHEN reported THEN one finding names both', () => {
    const findings = judged(GOOD, (r) => {
      r.Acl.Properties.Rules.push({
        Name: 'UsAndSlow',
        Priority: 30,
        Action: { Block: {} },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'both' },
        Statement: {
          AndStatement: {
            Statements: [
              { NotStatement: { Statement: { GeoMatchStatement: { CountryCodes: ['US'], ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'NO_MATCH' } } } } },
              { NotStatement: { Statement: { AsnMatchStatement: { AsnList: [64496], ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'NO_MATCH' } } } } },
            ],
          },
        },
      });
    });
    expect(ofRule(findings, SPOOFABLE).map((f) => f.message.split(': a proxy')[0])).toEqual([
      "rule 'UsAndSlow' judges the country of the first address of X-Forwarded-For (ForwardedIPConfig always reads the first), and judges the ASN of the "
        + 'first address of X-Forwarded-For (ForwardedIPConfig always reads the first)',
    ]);
  });

  test('GIVEN an IP set reference whose set is not known, read at FIRST WHEN judged THEN it is still spoofable: "an IP set"', () => {
    const findings = judged(GOOD, (r) => {
      officeForwarded(r).Position = 'FIRST';
      const or = rule(r, 'AdminOnlyFromOffice').Statement.AndStatement.Statements[1].NotStatement.Statement.OrStatement;
      or.Statements[0].IPSetReferenceStatement.Arn = { 'Fn::ImportValue': 'OfficeSetArn' };
    });
    expect(ofRule(findings, SPOOFABLE).map((f) => f.message.split(':')[0])).toEqual(["rule 'AdminOnlyFromOffice' matches an IP set against the FIRST address of X-Forwarded-For"]);
  });

  test('GIVEN a rule whose statement is not known WHEN judged THEN "cannot verify" whether it reads a forwarded IP header', () => {
    const findings = judged(GOOD, (r) => { rule(r, 'RateLimit').Statement = { 'Fn::ImportValue': 'RateStatement' }; });
    expect(ofRule(findings, SPOOFABLE)).toEqual([]);
    expect(cannotVerify(findings, SPOOFABLE).map((f) => f.message)).toEqual([
      expect.stringMatching(/^LayeredDefense-WafForwardedIpSpoofable cannot verify whether rule 'RateLimit' reads a forwarded IP header \(.*RateStatement/),
    ]);
  });
});
