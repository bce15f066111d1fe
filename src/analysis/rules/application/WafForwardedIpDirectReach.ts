import { forwardedIpRules } from './waf-evaluation';
import { IpFamily } from '../../../ip/family';
import { describeValue, isLiteralString, literalStrings, referencedKeys } from '../../model/model-values';
import type { LoadBalancerModel, NetworkModel, WebAclModel } from '../../model/network-model';
import { openToEveryone } from '../../model/sg-coverage';
import { SgRuleModel, withPrefixListsExpanded } from '../../model/sg-rules';
import { isWafUnknown, unknownStatements } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleContext, RuleFinding } from '../rule';

/**
 * A web ACL that judges clients by a forwarded IP header (X-Forwarded-For) trusts the proxy in front of the
 * resource to have written that header. When the load balancer's security groups admit every address
 * (0.0.0.0/0 or ::/0, or pieces whose union is the whole space), a client can skip the proxy, connect to the load
 * balancer directly and send any X-Forwarded-For it likes, for example an allowlisted address. Prefix-list and
 * security-group peers (CloudFront's origin-facing prefix list, the proxy's group) are not expanded: they are the fix.
 * The forwarded-IP rules are the web ACL's and those of the rule groups of the templates it runs in place.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html
 */
export const WafForwardedIpDirectReach: LayeredDefenseRule = {
  id: 'LayeredDefense-WafForwardedIpDirectReach',
  level: 'warning',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'A web ACL judges clients by a forwarded IP header (X-Forwarded-For), and the load balancer it protects admits every address, so clients can reach it without the proxy.',
  why: 'A forwarded IP header is only as trustworthy as the proxy that writes it: a client that connects to the load balancer directly chooses the header itself and can claim an allowlisted address.',
  fix: 'Let the load balancer security group admit only the proxy: the CloudFront origin-facing managed prefix list (com.amazonaws.global.cloudfront.origin-facing) or the proxy\'s security group or addresses, instead of 0.0.0.0/0 and ::/0',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      const rules = acl.tree.rules;
      if (isWafUnknown(rules)) {
        if (acl.associations.length > 0) {
          context.cannotVerify(acl.resource, `whether the web ACL judges clients by a forwarded IP header (${rules.what})`);
        }
        continue;
      }
      // The web ACL's rules and those of the rule groups of the templates it references: a group's rule reads the
      // header (and adds its labels) whatever the reference's OverrideAction, as a COUNT rule of the web ACL does.
      const found = forwardedIpRules(model, acl);
      const forwardedRules = found.everyReader.map((label) => label.replace(/^rule /, ''));
      // A statement that cannot be read may read a forwarded IP header, and so may a group whose rules are not known:
      // that matters only for a load balancer open to all.
      const unreadable = [...rules, ...found.groupRules].flatMap((r) => unknownStatements(r.statement)).map((u) => u.what)
        .concat(found.unknownGroups);
      if (forwardedRules.length === 0 && unreadable.length === 0) {
        continue;
      }
      for (const association of acl.associations) {
        const lb = associatedLoadBalancer(model, acl, association, context);
        if (lb) {
          findings.push(...judge(model, context, lb, acl, forwardedRules, unreadable));
        }
      }
    }
    return findings;
  },
};

/**
 * The services, other than Elastic Load Balancing, whose resources a regional web ACL can protect: API Gateway
 * stages, AppSync APIs, Cognito user pools, App Runner services, Verified Access instances (`ec2`).
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html
 */
const OTHER_WAF_SERVICES = /:(apigateway|appsync|cognito-idp|apprunner|ec2):/;

/** The load balancer of the app an association attaches the web ACL to; "cannot verify" for one outside it. */
function associatedLoadBalancer(model: NetworkModel, acl: WebAclModel, association: WebAclModel['associations'][number], context: RuleContext): LoadBalancerModel | undefined {
  const arn = association.properties.ResourceArn;
  const keys = referencedKeys(arn, association.stack.id);
  const lb = model.loadBalancers.find((l) => keys.has(l.resource.key));
  if (lb) {
    return lb;
  }
  // Another resource of the app (a REST API, its stage): not a load balancer. A literal ARN says what it names, and so
  // does the literal text of one built with Fn::Sub or Fn::Join around the partition or region.
  const inApp = [...keys].some((key) => model.resources.has(key));
  const otherService = literalStrings(arn).some((text) => OTHER_WAF_SERVICES.test(text));
  if (!inApp && !otherService && (!isLiteralString(arn) || arn.includes(':elasticloadbalancing:'))) {
    context.cannotVerify(association, `whether clients can reach the resource of web ACL ${acl.resource.logicalId} without the proxy that sets its forwarded IP header `
      + `(ResourceArn ${describeValue(arn)})`);
  }
  return undefined;
}

function judge(model: NetworkModel, context: RuleContext, lb: LoadBalancerModel, acl: WebAclModel, forwardedRules: string[],
  unreadable: string[]): RuleFinding[] {
  if (!isLiteralString(lb.lbType)) {
    context.cannotVerify(lb.resource, `whether clients can reach the load balancer without the proxy (Type ${describeValue(lb.lbType)})`);
    return [];
  }
  if (lb.lbType !== 'application') {
    return [];
  }
  const ingress: SgRuleModel[] = [];
  const unseen: string[] = [];
  for (const key of lb.securityGroupKeys) {
    const group = model.securityGroup(key);
    if (group) {
      ingress.push(...group.ingress);
    } else {
      // A group outside this stack: its standalone rules here are seen, its own rules are not.
      ingress.push(...model.straySgRules.filter((r) => r.direction === 'ingress' && r.groupKey === key));
      unseen.push(model.describeKey(key));
    }
  }
  // A customer-managed prefix list of the stack is judged by its entries; managed lists (the fix) stay as they are.
  const expanded = withPrefixListsExpanded(ingress, (key) => model.resolveKey(key), context.cannotVerify);
  const open: string[] = [];
  for (const [family, everyone] of [[IpFamily.IPV4, '0.0.0.0/0'], [IpFamily.IPV6, '::/0']] as const) {
    if (openToEveryone(expanded, family).length > 0) {
      open.push(everyone);
    }
  }
  if (open.length === 0) {
    // Groups not fully known may be open: that matters for a rule known to read a forwarded IP header, and for a
    // statement that cannot be read (it may read one).
    const unknown = [...unseen.map((g) => `security group ${g} is not in the templates`), ...ingress.filter((r) => r.unknown !== undefined).map((r) => `an ingress rule has ${r.unknown}`)];
    if (unknown.length > 0) {
      context.cannotVerify(lb.resource, `whether clients can reach the load balancer without the proxy (${unknown.join('; ')})`);
    }
    return [];
  }
  if (forwardedRules.length === 0) {
    context.cannotVerify(acl.resource, `whether the web ACL judges clients by a forwarded IP header, which clients of load balancer ${lb.resource.logicalId} `
      + `(open to ${open.join(' and ')}) could choose (${unreadable.join('; ')})`);
    return [];
  }
  return [{
    resource: lb.resource,
    message: `web ACL ${acl.resource.logicalId} judges clients by a forwarded IP header (rule${forwardedRules.length > 1 ? 's' : ''} ${forwardedRules.join(', ')}), `
      + `but the security groups of load balancer ${lb.resource.logicalId} admit ${open.join(' and ')}, so a client can connect without the proxy and choose the header, `
      + 'for example an allowlisted address',
  }];
}
