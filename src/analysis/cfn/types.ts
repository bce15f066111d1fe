// The reader's output and its one error type: plain data about CloudFormation templates, no CDK types.

/** A parsed template value: whatever JSON (or YAML turned into JSON) holds. */
export type Json = any;

/** 1-based line and column in the source file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface LoadedStack {
  /** Unique within the app: the assembly artifact id ("Network", "Prod/Network" for a nested stage,
   *  "<parentId>/<logicalId>" for a nested stack), or for a lone template file its path as given. */
  readonly id: string;
  /** The CloudFormation stack name to show (manifest properties.stackName, else the artifact displayName,
   *  else the file's base name without extension; "<parent stackName>/<logicalId>" for a nested stack). */
  readonly stackName: string;
  /** The template file, as a path relative to process.cwd() when inside it, else absolute. */
  readonly file: string;
  /** The template after the reader's resolution. Resources with a false Condition are removed. */
  readonly template: Json;
  /** How many resources the resolved template declares. */
  readonly resourceCount: number;
  /** The keys of the resolved template's Resources, in order (see `StackInput.resourceIds`). */
  readonly resourceIds?: readonly string[];
  /** True when every reference of the resolved template names something it declares (see `StackInput`). */
  readonly namesAllDeclared?: boolean;
  /** Environment from the manifest (`aws://account/region`), when known. */
  readonly environment?: string;
  /** For a nested stack: the parent's id and the AWS::CloudFormation::Stack logical id. */
  readonly parent?: { readonly stackId: string; readonly logicalId: string };
  /** Resources the SAM transform generated, each with the logical id of the SAM resource it comes from. */
  readonly generatedFrom?: ReadonlyMap<string, string>;
  /** The template's transforms this reader does not expand (macros, AWS::Include...): what they add or change is not judged. */
  readonly notExpandedTransforms?: readonly string[];
  /** Where a resource's logical id key sits in `file`; computed lazily on first call (no cost when unused). */
  positionOf(logicalId: string): SourcePosition | undefined;
}

export interface LoadedApp {
  readonly stacks: LoadedStack[];
}

export interface ReadOptions {
  /** --parameter KEY=VALUE values, applied to every stack that declares KEY. */
  readonly parameters?: Record<string, string>;
}

/** The key of the one synthetic form for a value that lives in another stack. */
export const STACK_REF = 'LayeredDefense::StackRef';

/** `{ 'LayeredDefense::StackRef': { stackId, value } }`: `value` is an expression in the stack `stackId`. */
export interface StackRefBody {
  readonly stackId: string;
  readonly value: Json;
}

/**
 * Unreadable input: the CLI prints `message` as one line and exits 2.
 * The message is `<file>:<line>:<col>: <problem>` when the place is known, else `<file>: <problem>`.
 */
export class InputError extends Error {
  public readonly file: string;
  public readonly problem: string;
  public readonly position?: SourcePosition;

  constructor(file: string, problem: string, position?: SourcePosition) {
    const where = position ? `${file}:${position.line}:${position.column}` : file;
    // One line, whatever the problem text held.
    super(`${where}: ${problem.replace(/\s*\n\s*/g, ' ').trim()}`);
    this.name = 'InputError';
    this.file = file;
    this.problem = problem;
    this.position = position;
  }
}

/**
 * The pseudo parameters CloudFormation defines: a `Ref` or an `Fn::Sub` placeholder naming another `AWS::` name
 * names nothing, and CloudFormation rejects the template.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html
 */
export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
]);
