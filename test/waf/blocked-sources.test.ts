import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ipSetsFromTemplate, WafEvaluator, webAclsFromTemplate } from '../../src/analysis/model/waf-evaluator';
import { PathAllowlistWaf, PathAllowlistWafProps } from '../../src/waf';
import { PRIORITIES } from '../../src/waf/defaults';

const PROPS: PathAllowlistWafProps = { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24', '2001:db8:1::/48'], managedRuleGroups: [] };
const BLOCKED = ['203.0.113.0/24', '192.0.2.7', '2001:db8:bad::/48'];

function wafStack(props: Partial<PathAllowlistWafProps> = {}) {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const waf = new PathAllowlistWaf(stack, 'Waf', { ...PROPS, ...props });
  return { stack, waf };
}

function evaluatorOf(stack: Stack): WafEvaluator {
  const template = Template.fromStack(stack).toJSON();
  const [webAcl] = Object.values(webAclsFromTemplate(template));
  return new WafEvaluator(webAcl, { ipSets: ipSetsFromTemplate(template) });
}

describe('PathAllowlistWaf.addBlockedSources', () => {
  test('IPv4 and IPv6 IP sets and one BLOCK rule at priority 1, before the path rules', () => {
    // GIVEN / WHEN
    const { stack, waf } = wafStack();
    waf.addBlockedSources(BLOCKED);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV4', Addresses: ['192.0.2.7/32', '203.0.113.0/24'] });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV6', Addresses: ['2001:db8:bad::/48'] });
    const rules = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0].Properties.Rules as any[];
    expect(rules.map((r) => [r.Name, r.Priority])).toEqual([['BlockedSources', 1], ['PathAllowlist1', 1011]]);
    expect(rules[0].Action).toEqual({ Block: {} });
    expect(rules[0].Statement.OrStatement.Statements).toHaveLength(2);
    expect(PRIORITIES.blockedSourcesStart).toBe(1);
  });

  describe('requests (through the WAF evaluator)', () => {
    const { stack, waf } = wafStack();
    waf.addBlockedSources(BLOCKED);
    const evaluator = evaluatorOf(stack);

    test.each([
      ['a blocked IPv4 source, any path', '203.0.113.9', '/', 'BLOCK', 'BlockedSources'],
      ['a blocked single address', '192.0.2.7', '/public/page', 'BLOCK', 'BlockedSources'],
      ['a blocked IPv6 source', '2001:db8:bad::1', '/', 'BLOCK', 'BlockedSources'],
      ['a blocked source on a protected path', '203.0.113.9', '/admin', 'BLOCK', 'BlockedSources'],
      ['the address next to a blocked one', '192.0.2.8', '/', 'ALLOW', undefined],
      ['another source, public path', '198.18.0.1', '/', 'ALLOW', undefined],
      ['another source, protected path', '198.18.0.1', '/admin', 'BLOCK', 'PathAllowlist1'],
      ['the allowlisted office, protected path', '198.51.100.4', '/admin', 'ALLOW', undefined],
    ])('%s (%s %s) -> %s', (_name, sourceIp, uriPath, action, rule) => {
      expect(evaluator.evaluate({ sourceIp, uriPath })).toMatchObject({ action, terminatingRule: rule });
    });

    test('a blocked source in the allowlist is still blocked: blocked sources run first', () => {
      const both = wafStack();
      both.waf.addBlockedSources(['198.51.100.4']);
      expect(evaluatorOf(both.stack).evaluate({ sourceIp: '198.51.100.4', uriPath: '/admin' })).toMatchObject({ action: 'BLOCK', terminatingRule: 'BlockedSources' });
    });
  });

  test('behind a proxy: the forwarded address is judged by a second rule at priority 2, the connection source by the first', () => {
    const { stack, waf } = wafStack({ forwardedIp: {} });
    waf.addBlockedSources(BLOCKED);
    const evaluator = evaluatorOf(stack);
    const viaProxy = (client: string) => ({ sourceIp: '198.18.0.1', uriPath: '/', headers: { 'x-forwarded-for': client } });
    expect(evaluator.evaluate({ sourceIp: '198.18.0.1', uriPath: '/', headers: { 'x-forwarded-for': '203.0.113.9' } }))
      .toMatchObject({ action: 'BLOCK', terminatingRule: 'BlockedSources-ForwardedIp' });
    expect(evaluator.evaluate({ sourceIp: '203.0.113.9', uriPath: '/' })).toMatchObject({ action: 'BLOCK', terminatingRule: 'BlockedSources' });
    expect(evaluator.evaluate(viaProxy('198.18.0.9')).action).toBe('ALLOW');
    expect(evaluator.evaluate(viaProxy('2001:db8:bad::5')).terminatingRule).toBe('BlockedSources-ForwardedIp');
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL'))[0].Properties.Rules as any[];
    expect(rules.slice(0, 2).map((r) => [r.Name, r.Priority])).toEqual([['BlockedSources', 1], ['BlockedSources-ForwardedIp', 2]]);
  });

  test('splits a family at 10,000 ranges per IP set and references every set', () => {
    // GIVEN 25,000 distinct non-adjacent IPv4 addresses
    const { stack, waf } = wafStack();
    const distinct = Array.from({ length: 25_000 }, (_, i) => `45.${Math.floor(i / 256)}.${i % 256}.1`);
    waf.addBlockedSources(distinct);
    // THEN
    const sets = Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::IPSet', { Properties: { IPAddressVersion: 'IPV4', Addresses: Match.anyValue() } }))
      .map((r) => r.Properties.Addresses.length);
    const allowlist = 1;
    expect(sets.filter((n) => n > allowlist).sort((a, b) => b - a)).toEqual([10_000, 10_000, 5_000]);
    expect(waf.blockedSourcesIpSets.map((s) => s.node.id)).toEqual(['BlockedSourcesIpv4', 'BlockedSourcesIpv4Part2', 'BlockedSourcesIpv4Part3']);
    const evaluator = evaluatorOf(stack);
    for (const sourceIp of [distinct[0], distinct[12_345], distinct[distinct.length - 1]]) {
      expect(evaluator.evaluate({ sourceIp, uriPath: '/' }).terminatingRule).toBe('BlockedSources');
    }
  });

  test('counts in the WCU estimate: one per IP set reference, twice with a forwarded IP header', () => {
    const plain = wafStack();
    const before = plain.waf.estimatedCapacity;
    plain.waf.addBlockedSources(BLOCKED);
    expect(plain.waf.estimatedCapacity).toBe(before + 2);
    const proxied = wafStack({ forwardedIp: {} });
    const proxiedBefore = proxied.waf.estimatedCapacity;
    proxied.waf.addBlockedSources(BLOCKED);
    expect(proxied.waf.estimatedCapacity).toBe(proxiedBefore + 4);
  });

  test('later calls add to the same sets; repeats and overlaps merge', () => {
    const { stack, waf } = wafStack();
    waf.addBlockedSources(['203.0.113.0/25']);
    waf.addBlockedSources(['203.0.113.128/25', '203.0.113.7']);
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24'] });
    expect(waf.blockedSourcesIpSets).toHaveLength(1);
  });

  test.each([
    ['empty', [], /addBlockedSources: list at least one literal CIDR/],
    ['/0', ['0.0.0.0/0'], /blocked source \[0\] '0\.0\.0\.0\/0' is \/0/],
    ['halves of IPv6', ['::/1', '8000::/1'], /blocked IPv6 sources add up to every IPv6 address/],
    ['malformed', ['203.0.113.0/24', '203.0.113.300'], /blocked source \[1\]: Invalid CIDR '203\.0\.113\.300'/],
    ['IPv4-mapped', ['::ffff:203.0.113.0/120'], /IPv4-mapped/],
  ])('refuses %s', (_name, cidrs, message) => {
    const { waf } = wafStack();
    expect(() => waf.addBlockedSources(cidrs as string[])).toThrow(message);
  });
});
