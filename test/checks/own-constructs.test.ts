import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { check, serveHttpsWithRedirect } from './support';
import { LayeredDefenseNagPack } from '../../src/frontdoors';
import { IpBlocklistNacl } from '../../src/nacl';
import { HipaaSecureVpc } from '../../src/vpc';
import { PathAllowlistWaf, WafScope } from '../../src/waf';
import { capturingConsoleError } from '../support/validation';

/**
 * Our three constructs with their defaults, wired the way the README shows (the web ACL must protect something).
 * `behindProxy` adds a PathAllowlistWaf with `forwardedIp` on an internet-facing ALB whose group admits 0.0.0.0/0.
 */
function ownConstructs(app: App, behindProxy = false): Stack {
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new HipaaSecureVpc(stack, 'Vpc');
  new IpBlocklistNacl(stack, 'Blocklist', {
    vpc,
    subnetSelection: { subnetType: ec2.SubnetType.PUBLIC },
    // IPv4 only: HipaaSecureVpc is IPv4-only by default, and IPv6 denies there are a NaclIpv6WithoutVpcIpv6 finding
    blockedCidrs: ['203.0.113.0/24', '192.0.2.0/25'],
  });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  serveHttpsWithRedirect(alb);
  new PathAllowlistWaf(stack, 'Waf', { protectedPaths: ['/admin', '/internal/'], allowedCidrs: ['198.51.100.0/24', '2001:db8:1::/48'] }).associate(alb);

  if (behindProxy) {
    const proxied = new elbv2.ApplicationLoadBalancer(stack, 'BehindProxy', { vpc, internetFacing: true });
    proxied.addRedirect();
    new PathAllowlistWaf(stack, 'ForwardedWaf', { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'], forwardedIp: {} }).associate(proxied);
  }

  const edge = new PathAllowlistWaf(stack, 'EdgeWaf', { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'], scope: WafScope.CLOUDFRONT });
  new cloudfront.Distribution(stack, 'Cdn', { defaultBehavior: { origin: new origins.HttpOrigin('origin.example.com') }, webAclId: edge.webAclArn });
  return stack;
}

function nagPackViolations(behindProxy: boolean): any[] {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'layered-defense-own-')) });
  ownConstructs(app, behindProxy);
  Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
  // A warning makes aws-cdk-lib print the report; the test reads it from the file instead.
  capturingConsoleError(() => app.synth());
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  const ours = (report.pluginReports ?? []).find((p: any) => p.pluginName === 'LayeredDefense');
  // The pack always adds its LayeredDefense-Ran info entry (front-doors.test.ts); the findings are the rest.
  return (ours?.violations ?? []).filter((v: any) => v.ruleName !== 'LayeredDefense-Ran');
}

test('HipaaSecureVpc, IpBlocklistNacl and PathAllowlistWaf with defaults: zero findings from the aspect', () => {
  const stack = ownConstructs(new App());
  expect(check(stack)).toEqual([]);
});

test('... and zero findings from the nag pack', () => {
  expect(nagPackViolations(false)).toEqual([]);
});

// A forwarded IP header is only trustworthy when clients cannot reach the load balancer without the proxy; the
// ALB's default group admits 0.0.0.0/0 on its listener port, so the allowlist can be claimed by any client.
test('PathAllowlistWaf with forwardedIp on an ALB open to 0.0.0.0/0: one WafForwardedIpDirectReach warning from the aspect', () => {
  const stack = ownConstructs(new App(), true);
  expect(check(stack)).toEqual([expect.objectContaining({
    level: 'warning',
    ruleId: 'LayeredDefense-WafForwardedIpDirectReach',
    path: '/Stack/BehindProxy/Resource',
    text: expect.stringMatching(/judges clients by a forwarded IP header .* admit 0\.0\.0\.0\/0, so a client can connect without the proxy/),
  })]);
});

test('... and the same warning, alone, from the nag pack', () => {
  expect(nagPackViolations(true)).toEqual([
    expect.objectContaining({
      ruleName: 'LayeredDefense-WafForwardedIpDirectReach',
      severity: 'warning',
      violatingConstructs: [expect.objectContaining({ constructPath: 'Stack/BehindProxy/Resource' })],
    }),
  ]);
});
