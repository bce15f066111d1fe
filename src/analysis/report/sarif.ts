// SARIF 2.1.0 as GitHub code scanning ingests it: a rules table from the registry (descriptions, help with the
// fix and a link to RULES.md, default level, security-severity, tags) and one result per finding with a stable
// ruleId, its location in the template and a fingerprint that survives line moves.
// @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
// @see https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
import { createHash } from 'crypto';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { AnalysisResult, Finding, FindingLevel } from '../findings';
import { RuleInfo, ruleDocUrl } from './rule-info';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const TOOL_NAME = 'cdk-layered-defense';
/** The partialFingerprints key of our own identity hash (versioned: changing how it is computed needs /v2). */
export const FINGERPRINT_KEY = 'cdkLayeredDefenseFinding/v1';

export interface SarifReportOptions {
  /** The rule registry: every rule becomes an entry of the rules table, in this order. */
  readonly rules: readonly RuleInfo[];
  /** The tool's version (package.json `version`). */
  readonly toolVersion: string;
  /** The repository URL (package.json `repository.url`): the tool's informationUri and the base of the help links. */
  readonly repositoryUrl: string;
  /**
   * The directory artifact URIs are relative to.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

export function renderSarif(result: AnalysisResult, options: SarifReportOptions): string {
  return JSON.stringify(toSarifLog(result, options), undefined, 2) + '\n';
}

export function toSarifLog(result: AnalysisResult, options: SarifReportOptions): any {
  const cwd = options.cwd ?? process.cwd();
  const descriptors = options.rules.map((rule) => ruleDescriptor(rule, options.repositoryUrl));
  const indexOf = new Map(descriptors.map((d, i) => [d.id as string, i]));
  // A finding whose rule is not in the registry (say, a malformed acknowledgement reported by the analysis) still
  // needs a descriptor: GitHub drops results whose ruleId the run does not describe.
  for (const finding of result.findings) {
    if (!indexOf.has(finding.ruleId)) {
      indexOf.set(finding.ruleId, descriptors.length);
      descriptors.push(unregisteredDescriptor(finding, options.repositoryUrl));
    }
  }

  const occurrences = new Map<string, number>();
  const results = result.findings.map((finding) => {
    const identity = fingerprint(finding);
    const occurrence = (occurrences.get(identity) ?? 0) + 1;
    occurrences.set(identity, occurrence);
    return sarifResult(finding, indexOf.get(finding.ruleId)!, identity, occurrence, cwd);
  });

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL_NAME,
          version: options.toolVersion,
          semanticVersion: options.toolVersion,
          informationUri: repositoryHome(options.repositoryUrl),
          rules: descriptors,
        },
      },
      // The reader's columns count UTF-16 code units (JavaScript string offsets), plus one.
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

/**
 * GitHub shows security-severity as critical (9.0+), high (7.0-8.9), medium (4.0-6.9) or low (below 4.0) when the
 * rule is tagged `security`. An error that breaks a HIPAA safeguard is high; an error without a citation (a
 * deployment that fails, capacity) is medium; warnings are medium with a citation and low without.
 */
export function securitySeverity(rule: Pick<RuleInfo, 'level' | 'hipaa'>): string {
  if (rule.level === 'error') {
    return rule.hipaa ? '8.0' : '6.0';
  }
  return rule.hipaa ? '5.0' : '3.0';
}

function ruleDescriptor(rule: RuleInfo, repositoryUrl: string): any {
  const helpUri = ruleDocUrl(repositoryUrl, rule.id);
  const citation = rule.hipaa ? `HIPAA Security Rule: 45 CFR ${rule.hipaa}.` : undefined;
  return {
    id: rule.id,
    name: shortName(rule.id),
    shortDescription: { text: rule.summary },
    fullDescription: { text: [rule.summary, rule.why, citation].filter(Boolean).join(' ') },
    help: {
      text: [`Fix: ${rule.fix}`, `Why: ${rule.why}`, citation, `Documentation: ${helpUri}`].filter(Boolean).join('\n\n'),
      markdown: [`**Fix:** ${rule.fix}`, `**Why:** ${rule.why}`, citation, `[${rule.id} in RULES.md](${helpUri})`].filter(Boolean).join('\n\n'),
    },
    helpUri,
    defaultConfiguration: { level: rule.level },
    properties: {
      'security-severity': securitySeverity(rule),
      'tags': ['security', 'cloudformation', slug(rule.layer), ...(rule.hipaa ? ['hipaa'] : [])],
    },
  };
}

function unregisteredDescriptor(finding: Finding, repositoryUrl: string): any {
  return {
    id: finding.ruleId,
    name: shortName(finding.ruleId),
    shortDescription: { text: `${finding.ruleId} (reported by ${TOOL_NAME}; not a registry rule)` },
    helpUri: ruleDocUrl(repositoryUrl, finding.ruleId).replace(/#.*$/, ''),
    defaultConfiguration: { level: finding.level },
    properties: { 'security-severity': securitySeverity({ level: finding.level }), 'tags': ['security', 'cloudformation'] },
  };
}

function sarifResult(finding: Finding, ruleIndex: number, identity: string, occurrence: number, cwd: string): any {
  const result: any = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: sarifLevel(finding.level),
    message: { text: `${finding.message.replace(/[.\s]+$/, '')}. Fix: ${finding.fix}` },
    partialFingerprints: {
      [FINGERPRINT_KEY]: identity,
      // GitHub computes primaryLocationLineHash from the text around the line when it is absent, so an alert would
      // be closed and reopened when a template's lines move (every cdk synth may move them). Ours names the finding
      // instead: same rule, stack, resource and message = same alert.
      primaryLocationLineHash: `${identity.slice(0, 16)}:${occurrence}`,
    },
    properties: {
      stackName: finding.stackName,
      stackId: finding.stackId,
      ...(finding.logicalId !== undefined ? { logicalId: finding.logicalId } : {}),
      ...(finding.cdkPath !== undefined ? { cdkPath: finding.cdkPath } : {}),
      fix: finding.fix,
    },
  };
  const locations = physicalLocation(finding, cwd);
  const logical = finding.logicalId !== undefined
    ? [{ name: finding.logicalId, fullyQualifiedName: `${finding.stackId}/${finding.logicalId}`, kind: 'resource' }]
    : undefined;
  if (locations || logical) {
    result.locations = [{ ...(locations ? { physicalLocation: locations } : {}), ...(logical ? { logicalLocations: logical } : {}) }];
  }
  if (finding.acknowledged !== undefined) {
    // The acknowledgement sits in the template's resource Metadata: an in-source suppression with its reason.
    result.suppressions = [{ kind: 'inSource', justification: finding.acknowledged }];
  }
  return result;
}

function physicalLocation(finding: Finding, cwd: string): any {
  if (!finding.file) {
    return undefined;
  }
  const location: any = { artifactLocation: { uri: artifactUri(finding.file, cwd) } };
  if (finding.line !== undefined && finding.line >= 1) {
    location.region = { startLine: finding.line, ...(finding.column !== undefined && finding.column >= 1 ? { startColumn: finding.column } : {}) };
  }
  return location;
}

/**
 * A path relative to the working directory (the repository root in CI), as GitHub wants it, with forward slashes
 * and each segment percent-encoded (a space, `#` or `:` would otherwise change what the URI reference means).
 * A file outside the working directory gets an absolute file: URI.
 */
export function artifactUri(file: string, cwd: string): string {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return pathToFileURL(absolute).href;
  }
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

/** Same rule, stack, resource and message: the same finding, wherever its lines moved. */
export function fingerprint(finding: Finding): string {
  return createHash('sha256')
    .update(JSON.stringify([finding.ruleId, finding.stackName, finding.logicalId ?? '', finding.message]))
    .digest('hex');
}

function sarifLevel(level: FindingLevel): 'error' | 'warning' {
  return level === 'error' ? 'error' : 'warning';
}

function shortName(ruleId: string): string {
  return ruleId.replace(/^LayeredDefense-/, '');
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function repositoryHome(repositoryUrl: string): string {
  return repositoryUrl.replace(/^git\+/, '').replace(/\.git$/, '');
}
