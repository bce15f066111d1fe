import { LayeredDefenseRule, RuleFinding } from './rule';
import { ACKNOWLEDGEMENT_METADATA_KEY } from '../model/network-model';

/**
 * A value AWS rejects or that means nothing, found while reading the templates: a NACL entry EC2 would refuse
 * (TCP or UDP without a `PortRange`, an inverted port range, a rule number outside 1-32766, a malformed CIDR), a
 * security group rule EC2 would refuse (a protocol that is neither tcp, udp, icmp, icmpv6 nor a number from -1 to 255;
 * for TCP or UDP missing ports, a port outside 0-65535 or a FromPort above the ToPort; for ICMP a missing or
 * out-of-range type or code), an `Action` on a WAF rule group reference, a listener `SslPolicy` that names no security
 * policy, a VPC or subnet block that is no CIDR, a WAF IP set address that
 * is no CIDR, of the other IP version or /0; a `Properties` that is no object (no other rule judges that resource);
 * and acknowledgement metadata without a reason or with an id that
 * is no rule, which acknowledges nothing. Such a value is not "unknown" and does not "allow nothing":
 * the deployment fails, or runs with something other than what the reviewer read.
 */
export const InvalidValue: LayeredDefenseRule = {
  id: 'LayeredDefense-InvalidValue',
  level: 'error',
  layer: 'model',
  summary: 'A property has a value AWS rejects (a NACL entry without its PortRange, an inverted port range, a security policy that does not exist), or an acknowledgement is malformed.',
  why: 'CloudFormation fails the resource, or the deployed resource differs from the template a reviewer approved; no layer rule can judge a value that will not exist.',
  fix: 'Correct the value as the message says',
  evaluate(model, context) {
    const findings: RuleFinding[] = model.invalid.map(({ resource, problem }) => ({ resource, message: problem }));
    // A well-formed acknowledgement of a rule that does not exist (a typo) acknowledges nothing either.
    for (const resource of model.acknowledging) {
      const entries = resource.metadata?.[ACKNOWLEDGEMENT_METADATA_KEY]?.acknowledge;
      if (!Array.isArray(entries)) {
        continue;
      }
      entries.forEach((entry, i) => {
        if (typeof entry?.id === 'string' && /^LayeredDefense-[A-Za-z0-9]+$/.test(entry.id) && !context.ruleIds.has(entry.id)) {
          findings.push({ resource, message: `Metadata.${ACKNOWLEDGEMENT_METADATA_KEY}.acknowledge[${i}].id ${entry.id} is not a rule id, so it acknowledges nothing` });
        }
      });
    }
    return findings;
  },
};
