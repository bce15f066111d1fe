import { Json, quoteValue } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

const MUST_REDACT = ['authorization', 'cookie'];

/**
 * Web ACL logging is the audit trail of who reached the protected paths (HIPAA 164.312(b)). WAF logs hold the
 * request headers, so the `authorization` and `cookie` headers must be redacted: they carry credentials and
 * session tokens that would otherwise sit in the log destination.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/logging-management.html
 */
export const WafLogging: LayeredDefenseRule = {
  id: 'LayeredDefense-WafLogging',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(b)',
  summary: 'A web ACL has no logging configuration, or its logging does not redact the authorization and cookie headers.',
  why: 'Without WAF logs there is no record of who reached or was refused the protected paths; logs that keep the authorization and cookie headers store credentials and session tokens.',
  fix: 'Add a CfnLoggingConfiguration for the web ACL (destination name starting aws-waf-logs-) with RedactedFields SingleHeader authorization and cookie, as PathAllowlistWaf does',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      if (acl.loggingConfigurations.length === 0) {
        findings.push({ resource: acl.resource, message: `web ACL ${acl.resource.logicalId} has no AWS::WAFv2::LoggingConfiguration in the app` });
        continue;
      }
      for (const logging of acl.loggingConfigurations) {
        const fields = logging.properties.RedactedFields ?? [];
        if (!Array.isArray(fields)) {
          context.cannotVerify(logging, `the redacted fields (RedactedFields ${quoteValue(fields)})`);
          continue;
        }
        const redacted = new Set(fields.map((f: Json) => f?.SingleHeader?.Name).filter((n: Json) => typeof n === 'string').map((n: string) => n.toLowerCase()));
        const missing = MUST_REDACT.filter((h) => !redacted.has(h));
        if (missing.length > 0) {
          findings.push({ resource: logging, message: `the logging configuration of web ACL ${acl.resource.logicalId} does not redact the ${missing.join(' and ')} header${missing.length > 1 ? 's' : ''}` });
        }
      }
    }
    return findings;
  },
};
