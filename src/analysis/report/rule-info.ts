// What a reporter needs to know about a rule: the registry's metadata, without its evaluate function, so the
// reporters stay independent of where the registry lives and of the model it runs on.

export interface RuleInfo {
  /** Stable id, `LayeredDefense-<Short>`. */
  readonly id: string;
  readonly level: 'error' | 'warning';
  /** The defense layer the rule judges ('application', 'subnet', 'virtual firewall', ...). */
  readonly layer: string;
  /** The HIPAA Security Rule citation (45 CFR), where one applies. */
  readonly hipaa?: string;
  /** What it catches, one sentence. */
  readonly summary: string;
  /** Why it matters. */
  readonly why: string;
  /** The fix, one line. */
  readonly fix: string;
}

/** Where RULES.md lives in the repository (the SARIF help links point into it). */
export const RULES_DOC_PATH = 'blob/main/RULES.md';

/**
 * The link to a rule's entry in RULES.md: GitHub's heading anchor for `### LayeredDefense-<Short>` is the heading
 * lowercased (`#layereddefense-nacldenyshadowed`).
 */
export function ruleDocUrl(repositoryUrl: string, ruleId: string): string {
  const base = repositoryUrl.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/+$/, '');
  return `${base}/${RULES_DOC_PATH}#${ruleId.toLowerCase()}`;
}
