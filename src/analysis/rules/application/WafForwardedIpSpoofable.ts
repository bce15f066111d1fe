import { isWafUnknown, unknownStatements, WafForwardedIpNode, WafStatementNode, walkWafStatement } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A proxy or load balancer appends the address it saw to the end of X-Forwarded-For; everything before it is what
 * the client sent. So only the LAST address is the proxy's word: a statement that reads the FIRST address, or ANY
 * of them, judges addresses the client wrote ("an attacker may change the contents of the header to try to bypass
 * AWS WAF inspection"). `IPSetForwardedIPConfig` chooses the position; `ForwardedIPConfig` (geo, ASN and
 * rate-based statements) always reads the first address ("AWS WAF only evaluates the first IP address found in the
 * specified HTTP header"). Where the proxy replaces the header instead of appending, the position does not matter:
 * acknowledge the finding with that reason.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
 * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-wafv2-webacl-forwardedipconfiguration.html
 */
export const WafForwardedIpSpoofable: LayeredDefenseRule = {
  id: 'LayeredDefense-WafForwardedIpSpoofable',
  level: 'warning',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'A web ACL statement judges the client by an address of a forwarded IP header that the client writes: position FIRST or ANY, or the first address a geo, ASN or rate-based statement reads.',
  why: 'A proxy appends the address it saw to the end of X-Forwarded-For and keeps what the client sent before it, so a client can put an allowlisted address first (or anywhere), or rotate a fake first address past a rate limit.',
  fix: 'Set IPSetForwardedIPConfig Position LAST (the address your proxy appended); for geo, ASN and rate-based statements use the connection address, or acknowledge the finding if the proxy in front replaces the header',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.wafRuleOwners()) {
      const rules = acl.rules;
      if (isWafUnknown(rules)) {
        context.cannotVerify(acl.resource, `which address of a forwarded IP header the ${acl.kind} reads (${rules.what})`);
        continue;
      }
      for (const rule of rules) {
        const spoofable: string[] = [];
        walkWafStatement(rule.statement, (node) => {
          const what = clientWrittenAddress(node, (unknown) => context.cannotVerify(acl.resource, `which address of a forwarded IP header rule '${rule.name}' reads (${unknown})`));
          if (what) {
            spoofable.push(what);
          }
        });
        for (const unknown of unknownStatements(rule.statement)) {
          context.cannotVerify(acl.resource, `whether rule '${rule.name}' reads a forwarded IP header (${unknown.what})`);
        }
        if (spoofable.length > 0) {
          findings.push({
            resource: acl.resource,
            message: `rule '${rule.name}' ${spoofable.join(', and ')}: a proxy appends the address it saw at the end of the header and keeps what the client sent before it, `
              + 'so the client chooses this address (an allowlisted one, or a new one per request)',
          });
        }
      }
    }
    return findings;
  },
};

/** What a statement does with a client-written forwarded address, or undefined when it reads none (or only LAST). */
function clientWrittenAddress(node: WafStatementNode, cannotVerify: (what: string) => void): string | undefined {
  if (node.type !== 'IPSetReferenceStatement' && node.type !== 'GeoMatchStatement' && node.type !== 'AsnMatchStatement' && node.type !== 'RateBasedStatement') {
    return undefined;
  }
  const config = node.forwardedIp;
  if (config === undefined) {
    return undefined;
  }
  if (isWafUnknown(config)) {
    cannotVerify(config.what);
    return undefined;
  }
  const header = headerOf(config);
  switch (node.type) {
    case 'IPSetReferenceStatement': {
      const position = config.position;
      if (position === undefined || isWafUnknown(position)) {
        cannotVerify(position?.what ?? 'IPSetForwardedIPConfig has no Position');
        return undefined;
      }
      if (position === 'LAST') {
        return undefined;
      }
      const ipSet = isWafUnknown(node.ipSetKey) ? 'an IP set' : `IP set ${node.ipSetKey}`;
      return position === 'FIRST'
        ? `matches ${ipSet} against the FIRST address of ${header}`
        : `matches ${ipSet} against ANY address of ${header} (up to the last 10)`;
    }
    case 'GeoMatchStatement':
      return `judges the country of the first address of ${header} (ForwardedIPConfig always reads the first)`;
    case 'AsnMatchStatement':
      return `judges the ASN of the first address of ${header} (ForwardedIPConfig always reads the first)`;
    case 'RateBasedStatement':
      return `counts requests by the first address of ${header} (ForwardedIPConfig always reads the first)`;
  }
}

function headerOf(config: WafForwardedIpNode): string {
  return isWafUnknown(config.headerName) ? 'its forwarded IP header' : config.headerName;
}
