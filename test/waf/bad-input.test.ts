import { App, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ManagedRuleGroup, OriginPathStyle, PathAllowlistWaf, PathAllowlistWafProps, WafScope } from '../../src/waf';

const OK: PathAllowlistWafProps = { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] };

function create(props: Partial<PathAllowlistWafProps>, region = 'eu-west-1') {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region } });
  return new PathAllowlistWaf(stack, 'Waf', { ...OK, ...props } as PathAllowlistWafProps);
}

describe('bad input is an error naming the construct path and the value', () => {
  test.each<[string, Partial<PathAllowlistWafProps>, RegExp]>([
    ['malformed CIDR', { allowedCidrs: ['198.51.100.0/33'] }, /Stack\/Waf.*198\.51\.100\.0\/33/],
    ['not an address', { allowedCidrs: ['office'] }, /Stack\/Waf.*'office'/],
    ['host bits set', { allowedCidrs: ['198.51.100.7/24'] }, /Stack\/Waf.*198\.51\.100\.7\/24/],
    ['IPv4 /0', { allowedCidrs: ['0.0.0.0/0'] }, /Stack\/Waf.*'0\.0\.0\.0\/0'.*cannot hold \/0/],
    ['IPv6 /0', { allowedCidrs: ['198.51.100.0/24', '::/0'] }, /Stack\/Waf.*'::\/0'.*cannot hold \/0/],
    ['IPv4 halves that merge to /0', { allowedCidrs: ['0.0.0.0/1', '128.0.0.0/1'] },
      /Stack\/Waf.*IPv4 entries '0\.0\.0\.0\/1', '128\.0\.0\.0\/1' merge to 0\.0\.0\.0\/0.*cannot hold \/0.*list only the networks/],
    ['IPv6 halves that merge to /0', { allowedCidrs: ['198.51.100.0/24', '::/1', '8000::/1'] }, /Stack\/Waf.*IPv6 entries '::\/1', '8000::\/1' merge to ::\/0/],
    ['IPv4-mapped IPv6 range', { allowedCidrs: ['::ffff:198.51.100.0/120'] }, /Stack\/Waf.*'::ffff:198\.51\.100\.0\/120'.*IPv4-mapped.*'198\.51\.100\.0\/24' instead/],
    ['IPv4-compatible IPv6 address', { allowedCidrs: ['198.51.100.0/24', '::198.51.100.9'] }, /Stack\/Waf.*'::198\.51\.100\.9'.*IPv4-compatible.*'198\.51\.100\.9\/32' instead/],
    ['empty allowlist', { allowedCidrs: [] }, /Stack\/Waf.*allowedCidrs for \/admin is empty/],
    ['token CIDR', { allowedCidrs: [Lazy.string({ produce: () => '198.51.100.0/24' })] }, /Stack\/Waf.*is a token/],
    ['no protected path', { protectedPaths: [] }, /Stack\/Waf.*protectedPaths is empty/],
    ['relative path', { protectedPaths: ['admin'] }, /Stack\/Waf.*'admin' must start with '\/'/],
    ['query string in path', { protectedPaths: ['/admin?x=1'] }, /Stack\/Waf.*'\/admin\?x=1'.*'\?'/],
    ['percent-encoded path', { protectedPaths: ['/%61dmin'] }, /Stack\/Waf.*'\/%61dmin'.*decoded/],
    ['dot segment', { protectedPaths: ['/x/../admin'] }, /Stack\/Waf.*'\/x\/\.\.\/admin'.*normalized.*'\/x\/admin'/],
    ['empty segment', { protectedPaths: ['//admin'] }, /Stack\/Waf.*'\/\/admin'.*normalized/],
    ['space in path', { protectedPaths: ['/my admin'] }, /Stack\/Waf.*'\/my admin'/],
    ['token path', { protectedPaths: [Token.asString({ Ref: 'Path' })] }, /Stack\/Waf.*is a token/],
    ['bad header name', { forwardedIp: { headerName: 'X Forwarded' } }, /Stack\/Waf.*'X Forwarded'/],
    ['log group name', { logGroupName: 'waf-logs' }, /Stack\/Waf.*'waf-logs'.*aws-waf-logs-/],
    ['log option without logging', { logging: false, logRetention: logs.RetentionDays.ONE_DAY }, /Stack\/Waf.*logRetention.*logging is false/],
    ['bad redacted header', { redactedHeaders: ['bad header'] }, /Stack\/Waf.*'bad header'/],
    ['duplicate managed group', { managedRuleGroups: [ManagedRuleGroup.COMMON_RULE_SET, ManagedRuleGroup.COMMON_RULE_SET] }, /Stack\/Waf.*AWSManagedRulesCommonRuleSet.*twice/],
    ['bad managed capacity', { managedRuleGroups: [ManagedRuleGroup.of('AWS', 'X', 0)] }, /Stack\/Waf.*'X'.*capacity 0/],
  ])('%s', (_what, props, message) => {
    expect(() => create(props)).toThrow(message);
  });

  test('the reviewer\'s /0 repro: four halves give no IP set at all', () => {
    expect(() => create({ allowedCidrs: ['0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1'] })).toThrow(/Stack\/Waf.*merge to 0\.0\.0\.0\/0/);
  });

  test('a path too long for one regex once every segment may carry parameters', () => {
    const path = `/${Array.from({ length: 12 }, (_, i) => `segment${i}`).join('/')}`;
    expect(() => create({ protectedPaths: [path] })).toThrow(/Stack\/Waf.*protected path '\/segment0\/.*' needs a \d+-character regex.*above the 512.*'\/segment0'/);
    expect(() => create({ protectedPaths: ['/a/b/c/d/e/f/g'], originPathStyle: OriginPathStyle.WINDOWS })).toThrow(/'\/a\/b\/c\/d\/e\/f\/g' needs a 600-character regex, above the 512.*NTFS streams/);
    expect(() => create({ protectedPaths: ['/api/v1/users/admin/x'], originPathStyle: OriginPathStyle.WINDOWS })).not.toThrow();
  });

  test('a CLOUDFRONT web ACL outside us-east-1', () => {
    expect(() => create({ scope: WafScope.CLOUDFRONT }, 'eu-west-1')).toThrow(/Stack\/Waf.*us-east-1.*'eu-west-1'/);
  });

  test('addProtectedPath checks its path and CIDRs the same way', () => {
    const waf = create({});
    expect(() => waf.addProtectedPath('/reports', ['10.0.0.0/0'])).toThrow(/Stack\/Waf.*'10\.0\.0\.0\/0'/);
    expect(() => waf.addProtectedPath('reports', ['10.0.0.0/8'])).toThrow(/Stack\/Waf.*'reports'/);
    expect(() => waf.addProtectedPath('/reports', [])).toThrow(/Stack\/Waf.*\/reports is empty/);
  });
});
