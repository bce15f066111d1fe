// A hand-written analysis result shaped like the two-stack app of issue 14: a Network stack owning a NACL and an
// App stack adding an entry to it, plus an acknowledged finding, a stack-level finding and one without a position.
import type { AnalysisResult, Finding } from '../../../src/analysis/findings';

export const SHADOWED_DENY: Finding = {
  ruleId: 'LayeredDefense-NaclDenyShadowed',
  level: 'error',
  stackName: 'App',
  stackId: 'App',
  logicalId: 'DenyBadActors',
  cdkPath: 'App/DenyBadActors',
  message: 'inbound IPv4 DENY rule 120 for 198.51.100.0/24 is fully shadowed by ALLOW rule 100: for example 198.51.100.0/24 TCP 443 is allowed by rule 100 before the deny is reached',
  fix: 'Give the DENY entry a lower rule number than every ALLOW entry that overlaps it (IpBlocklistNacl numbers deny entries first)',
  file: 'cdk.out/App.template.json',
  line: 42,
  column: 5,
};

export const OPEN_SSH: Finding = {
  ruleId: 'LayeredDefense-SgOpenIngress',
  level: 'error',
  stackName: 'App',
  stackId: 'App',
  logicalId: 'SshFromAnywhere',
  message: 'AWS::EC2::SecurityGroupIngress admits 0.0.0.0/0 on TCP 22',
  fix: 'Allow only the sources that need the port',
  file: 'cdk.out/App.template.json',
  line: 17,
  column: 5,
};

export const ALLOWLIST_ACKNOWLEDGED: Finding = {
  ruleId: 'LayeredDefense-NaclAllowlist',
  level: 'warning',
  stackName: 'Network',
  stackId: 'Network',
  logicalId: 'PartnerAcl',
  cdkPath: 'Network/PartnerAcl/Resource',
  message: 'PartnerAcl allows inbound only from 203.0.113.0/24 and denies everything else',
  fix: 'Allow the sources in the security groups instead',
  file: 'cdk.out/Network.template.json',
  line: 88,
  column: 5,
  acknowledged: 'The partner link is contractually limited to this range (ticket SEC-42)',
};

export const FLOW_LOGS_WARNING: Finding = {
  ruleId: 'LayeredDefense-CannotVerify',
  level: 'warning',
  stackName: 'Network',
  stackId: 'Network',
  logicalId: 'Vpc',
  cdkPath: 'Network/Vpc/Resource',
  message: 'LayeredDefense-VpcFlowLogs cannot verify Vpc: TrafficType is {"Ref":"TrafficTypeParam"}',
  fix: 'Use a literal, or acknowledge this finding with the reason it is safe',
  file: 'cdk.out/Network.template.json',
  line: 12,
  column: 5,
};

export const STACK_LEVEL: Finding = {
  ruleId: 'LayeredDefense-CannotVerify',
  level: 'warning',
  stackName: 'Network',
  stackId: 'Network',
  message: 'Fn::ImportValue SharedVpcId is exported by no stack that was read',
  fix: 'Check the exporting stack with this one',
  file: 'cdk.out/Network.template.json',
};

export const TWO_STACKS: AnalysisResult = {
  findings: [FLOW_LOGS_WARNING, STACK_LEVEL, ALLOWLIST_ACKNOWLEDGED, SHADOWED_DENY, OPEN_SSH],
  stacks: 2,
  resources: 14,
};

export const CLEAN: AnalysisResult = { findings: [], stacks: 3, resources: 41 };
