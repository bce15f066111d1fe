// The connection-tracking diff as a jsii API: the CDK-free engine (src/analysis/diff) behind plain structs, so Python,
// Java, .NET and Go users get what `cdk-layered-defense diff` prints. Needs no aws-cdk-lib.
// @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html
import * as path from 'path';
import { readApp, resolveTemplates } from '../analysis/cfn';
import { AccessChange, diffTemplates, DiffStackInput, formatDiffText, lingers, removedAccessText } from '../analysis/diff';

/** Options for a connection-tracking diff. */
export interface ConnectionTrackingDiffOptions {
  /**
   * The variable name the cut-off code gives the `IpBlocklistNacl` (`blocklist.addBlockedCidrs([...])`).
   *
   * @default 'blocklist'
   */
  readonly blocklistVariable?: string;
}

/** How to cut lingering connections now: a stateless NACL deny, kept in place longer than the idle timeout. */
export interface ConnectionTrackingCutOff {
  /** The CIDR blocks to deny on the subnets (empty when the peers are security groups or prefix lists, or /0). */
  readonly naclDenyCidrs: string[];
  /**
   * Keep the deny in place for longer than this many seconds, or the sessions resume.
   *
   * @default - the idle timeout is one EC2 does not document
   */
  readonly keepLongerThanSeconds?: number;
  /** The subnets of the network interfaces the group is on, as the templates name them. */
  readonly subnets: string[];
  /**
   * The call that adds the deny with `IpBlocklistNacl`.
   *
   * @default - none: there are no CIDR blocks a NACL could deny
   */
  readonly code?: string;
  /** One line of advice. */
  readonly advice: string;
}

/** One security group direction (or NACL entry) whose change removes access, and what it does to live connections. */
export interface ConnectionTrackingChange {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The stack's id within its app (the assembly artifact id, or the template's position or path). */
  readonly stackId: string;
  /** The security group or network ACL entry whose access changed. */
  readonly logicalId: string;
  /** `AWS::EC2::SecurityGroup` or `AWS::EC2::NetworkAclEntry`. */
  readonly resourceType: string;
  /** `ingress` or `egress`. */
  readonly direction: string;
  /** The access removed, one line each: `tcp 22 from 198.51.100.7/32`. */
  readonly removed: string[];
  /**
   * The longest an established connection can stay up after the change, in seconds; 0 when it is cut at once.
   *
   * @default - unknown: the flows are tracked with an idle timeout EC2 does not document (ICMP)
   */
  readonly lingerSeconds?: number;
  /** Where the timeout comes from: the ConnectionTrackingSpecification that sets it, or EC2's default. */
  readonly timeoutSource: string;
  /** Whether established connections are tracked, and so survive the change. */
  readonly tracked: boolean;
  /** Whether established connections stay up after the change (tracked for more than 0 s, or for an unknown time). */
  readonly lingering: boolean;
  /**
   * How to cut the lingering connections now.
   *
   * @default - none: the change cuts at once
   */
  readonly cutOff?: ConnectionTrackingCutOff;
  /** Values unknown at synth that the comparison could not take into account (empty when there are none). */
  readonly unknown: string[];
  /** The change in one paragraph: what was removed, how long it lingers, and how to cut it. */
  readonly message: string;
}

/**
 * What a change to security groups and network ACLs does to live connections.
 *
 * Security groups are stateful: removing or narrowing a rule stops new connections only, and a tracked connection
 * stays up until it has been idle for the network interface's timeout (5 days for established TCP by default).
 * Compare two versions of an app (for example the deployed templates and a fresh `cdk.out`) to see, for each
 * security group, the access removed, how long established connections can linger and the NACL deny that cuts them.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html
 */
export class ConnectionTrackingDiff {
  /**
   * Compares two apps given as CloudFormation templates (parsed JSON), one per stack. The stacks of the two lists
   * are paired by position; parameters, conditions and cross-stack exports and imports are resolved as `cdk-layered-defense diff` does.
   *
   * @param before the templates before the change (for example from `aws cloudformation get-template`)
   * @param after the templates after the change (for example `Template.fromStack(stack).toJSON()`)
   */
  public static fromTemplates(before: any[], after: any[], options: ConnectionTrackingDiffOptions = {}): ConnectionTrackingDiff {
    return new ConnectionTrackingDiff(diffTemplates(inMemory(before, 'before'), inMemory(after, 'after'), options));
  }

  /**
   * Compares two apps read from disk: each path is a template file (.json, .yaml, .yml, .template) or a cloud
   * assembly directory (`cdk.out`, with every stack, nested stage and nested stack).
   *
   * @param beforePath the template file or cloud assembly before the change
   * @param afterPath the template file or cloud assembly after the change
   */
  public static fromPaths(beforePath: string, afterPath: string, options: ConnectionTrackingDiffOptions = {}): ConnectionTrackingDiff {
    return new ConnectionTrackingDiff(diffTemplates(fromDisk(beforePath), fromDisk(afterPath), options));
  }

  /** Every change that removes access, security groups first, then NACL entries. */
  public readonly changes: ConnectionTrackingChange[];

  /** Whether any change leaves established connections up (what `--fail-on-lingering` fails on). */
  public readonly lingering: boolean;

  private readonly engineChanges: AccessChange[];

  private constructor(result: { readonly changes: AccessChange[] }) {
    this.engineChanges = result.changes;
    this.changes = result.changes.map(toStruct);
    this.lingering = result.changes.some(lingers);
  }

  /** The diff as plain text, as `cdk-layered-defense diff` prints it. */
  public toText(): string {
    return formatDiffText({ changes: this.engineChanges });
  }

  /** The diff as JSON, as `cdk-layered-defense diff --format json` prints it: `{ "changes": [ ... ] }`. */
  public toJson(): string {
    return `${JSON.stringify({ changes: this.engineChanges }, null, 2)}\n`;
  }
}

function inMemory(templates: any[], side: string): DiffStackInput[] {
  if (!Array.isArray(templates)) {
    throw new Error(`ConnectionTrackingDiff.fromTemplates: ${side} must be a list of templates, not ${typeof templates}`);
  }
  templates.forEach((template, i) => {
    const resources = template !== null && typeof template === 'object' && !Array.isArray(template) ? template.Resources : undefined;
    if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) {
      throw new Error(`ConnectionTrackingDiff.fromTemplates: ${side}[${i}] is not a CloudFormation template (no Resources object); `
        + 'pass parsed template JSON, for example Template.fromStack(stack).toJSON()');
    }
  });
  const stacks = templates.map((template, i) => ({ id: `Stack${i + 1}`, stackName: `Stack${i + 1}`, template }));
  const resolved = resolveTemplates(stacks);
  return stacks.map((s, i) => ({ stackId: s.id, stackName: s.stackName, template: resolved[i].template }));
}

function fromDisk(given: string): DiffStackInput[] {
  return readApp([path.resolve(given)]).stacks.map((s) => ({ stackId: s.id, stackName: s.stackName, template: s.template }));
}

function toStruct(change: AccessChange): ConnectionTrackingChange {
  const cutOff = change.cutOff;
  return {
    stackName: change.stackName,
    stackId: change.stackId,
    logicalId: change.logicalId,
    resourceType: change.resourceType,
    direction: change.direction,
    removed: change.removed.map((r) => removedAccessText(change.direction, r)),
    ...(change.lingerSeconds !== null ? { lingerSeconds: change.lingerSeconds } : {}),
    timeoutSource: change.timeoutSource,
    tracked: change.tracked,
    lingering: lingers(change),
    ...(cutOff ? {
      cutOff: {
        naclDenyCidrs: [...cutOff.naclDenyCidrs],
        ...(cutOff.keepLongerThanSeconds !== null ? { keepLongerThanSeconds: cutOff.keepLongerThanSeconds } : {}),
        subnets: [...cutOff.subnets],
        ...(cutOff.code !== undefined ? { code: cutOff.code } : {}),
        advice: cutOff.advice,
      },
    } : {}),
    unknown: [...(change.unknown ?? [])],
    message: change.message,
  };
}
