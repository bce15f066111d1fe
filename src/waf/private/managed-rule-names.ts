import { lookupTable } from '../../private/lookup-table';

/**
 * The rules of the AWS managed rule groups, by name, as the AWS WAF Developer Guide lists them for the latest static
 * version of each group ("Baseline rule groups", "Use-case specific rule groups", "IP reputation rule groups";
 * checked November 2026). An override or exclusion must name one of these: AWS WAF accepts an override of a rule
 * the group does not have and does nothing with it, so a misspelt `SizeRestrictions_Body` would leave the upload
 * blocked with no error anywhere. A rule AWS adds later is reachable through `ManagedRuleGroup.of(..., ruleNames)`.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html
 */
export const AWS_MANAGED_RULE_NAMES = lookupTable<Record<string, readonly string[]>>({
  AWSManagedRulesCommonRuleSet: [
    'NoUserAgent_HEADER', 'UserAgent_BadBots_HEADER', 'SizeRestrictions_QUERYSTRING', 'SizeRestrictions_Cookie_HEADER',
    'SizeRestrictions_BODY', 'SizeRestrictions_URIPATH', 'EC2MetaDataSSRF_BODY', 'EC2MetaDataSSRF_COOKIE',
    'EC2MetaDataSSRF_URIPATH', 'EC2MetaDataSSRF_QUERYARGUMENTS', 'GenericLFI_QUERYARGUMENTS', 'GenericLFI_URIPATH',
    'GenericLFI_BODY', 'RestrictedExtensions_URIPATH', 'RestrictedExtensions_QUERYARGUMENTS', 'GenericRFI_QUERYARGUMENTS',
    'GenericRFI_BODY', 'GenericRFI_URIPATH', 'CrossSiteScripting_COOKIE', 'CrossSiteScripting_QUERYARGUMENTS',
    'CrossSiteScripting_BODY', 'CrossSiteScripting_URIPATH',
  ],
  AWSManagedRulesKnownBadInputsRuleSet: [
    'JavaDeserializationRCE_HEADER', 'JavaDeserializationRCE_BODY', 'JavaDeserializationRCE_URIPATH',
    'JavaDeserializationRCE_QUERYSTRING', 'Host_localhost_HEADER', 'PROPFIND_METHOD', 'ExploitablePaths_URIPATH',
    'Log4JRCE_HEADER', 'Log4JRCE_QUERYSTRING', 'Log4JRCE_BODY', 'Log4JRCE_URIPATH',
  ],
  AWSManagedRulesSQLiRuleSet: [
    'SQLi_QUERYARGUMENTS', 'SQLiExtendedPatterns_QUERYARGUMENTS', 'SQLi_BODY', 'SQLiExtendedPatterns_BODY', 'SQLi_COOKIE',
    'SQLi_URIPATH',
  ],
  AWSManagedRulesAmazonIpReputationList: ['AWSManagedIPReputationList', 'AWSManagedReconnaissanceList', 'AWSManagedIPDDoSList'],
  AWSManagedRulesAnonymousIpList: ['AnonymousIPList', 'HostingProviderIPList'],
  AWSManagedRulesAdminProtectionRuleSet: ['AdminProtection_URIPATH'],
  AWSManagedRulesLinuxRuleSet: ['LFI_URIPATH', 'LFI_QUERYSTRING', 'LFI_HEADER'],
  AWSManagedRulesWindowsRuleSet: [
    'WindowsShellCommands_COOKIE', 'WindowsShellCommands_QUERYARGUMENTS', 'WindowsShellCommands_BODY',
    'PowerShellCommands_COOKIE', 'PowerShellCommands_QUERYARGUMENTS', 'PowerShellCommands_BODY',
  ],
});
