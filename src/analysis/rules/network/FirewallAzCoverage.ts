import { AzRef, firewallRouting, sameAz, subnetAz, towardInternet } from '../../model/firewall-routing';
import { describeValue } from '../../model/model-values';
import type { RoutedSubnetModel } from '../../model/routing';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A firewall has one endpoint per subnet in its `SubnetMappings`, one subnet per AZ. The protected subnets that send
 * traffic to the firewall (or to the internet gateway, which they should not) need an endpoint in their own AZ;
 * those that reach the internet only through a NAT gateway are covered by the NAT gateway's subnet. In an AZ without
 * an endpoint a subnet must route to another AZ's endpoint (cross-AZ, lost with that AZ) or around the firewall.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-two-zone-igw.html
 */
export const FirewallAzCoverage: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallAzCoverage',
  level: 'warning',
  layer: 'network',
  summary: 'A Network Firewall has endpoints in fewer Availability Zones than the protected subnets that route through it (or around it) span.',
  why: 'Each AZ needs its own firewall endpoint: a subnet in an AZ without one must cross to another AZ\'s endpoint (billed, and lost when that AZ fails) or bypass the firewall.',
  fix: 'Add a firewall subnet in every AZ of the protected subnets to the firewall\'s SubnetMappings, and route each subnet to the endpoint of its own AZ',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const routing = firewallRouting(model);
    for (const vpc of routing.vpcs) {
      const edgeFacing = vpc.protectedSubnets.filter((s) => routing.routesOf(s).some((r) => towardInternet(r) && r.targetKind !== 'nat-gateway' && r.targetKind !== 'unknown'));
      if (edgeFacing.length === 0) {
        continue;
      }
      const site = vpc.firewalls[0].resource;
      vpc.unknownMappings.forEach((u) => context.cannotVerify(u.firewall.resource, `${u.what}, so which AZs it has endpoints in`));
      const firewallAzs: AzRef[] = [];
      let unknownFirewallAz: string | undefined;
      for (const mapping of vpc.mappings) {
        const az = mapping.subnet ? subnetAz(mapping.subnet) : { unknown: `the Availability Zone of firewall subnet ${describeValue(mapping.value)} (not a subnet of the templates judged together)` };
        if ('unknown' in az) {
          unknownFirewallAz ??= az.unknown;
        } else {
          firewallAzs.push(az);
        }
      }
      const missing = new Map<string, { az: AzRef; subnets: RoutedSubnetModel[] }>();
      for (const subnet of edgeFacing) {
        const az = subnetAz(subnet);
        if ('unknown' in az) {
          context.cannotVerify(site, `${az.unknown}, which needs a firewall endpoint`);
          continue;
        }
        const verdicts = firewallAzs.map((f) => sameAz(az, f));
        if (verdicts.includes(true)) {
          continue;
        }
        if (verdicts.includes(undefined) || unknownFirewallAz !== undefined || vpc.unknownMappings.length > 0) {
          context.cannotVerify(site, `whether the firewall has an endpoint in the AZ of subnet ${subnet.resource.path} (${az.label}): ${unknownFirewallAz ?? `its AZs are ${firewallAzs.map((f) => f.label).join(', ')}`}`);
          continue;
        }
        const entry = missing.get(az.id) ?? { az, subnets: [] };
        entry.subnets.push(subnet);
        missing.set(az.id, entry);
      }
      if (missing.size > 0) {
        const names = vpc.firewalls.map((f) => f.resource.path).join(', ');
        const have = firewallAzs.length > 0 ? firewallAzs.map((a) => a.label).join(', ') : 'no AZ';
        const lacking = [...missing.values()];
        findings.push({
          resource: site,
          message: `firewall ${names} has endpoints in ${have}, but protected subnets are also in ${lacking.map((m) => m.az.label).join(', ')} `
            + `(${lacking.flatMap((m) => m.subnets.map((s) => s.resource.path)).join(', ')}): their traffic must cross to another AZ's endpoint or go around the firewall`,
          fix: `Add a firewall subnet in ${lacking.map((m) => m.az.label).join(', ')} to the firewall's SubnetMappings`,
        });
      }
    }
    return findings;
  },
};
