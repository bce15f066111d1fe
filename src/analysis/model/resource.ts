// What the model is made of: a stack's template as it reads it, and one resource of it. Kept apart from the model
// so the per-service readers (security groups, NACLs, WAF) can name a resource without importing the model.
import type { Json } from './model-values';

/** 1-based line and column in a template file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * One stack's template as the model reads it. The template reader's stacks fit; the CDK front doors build these
 * from the constructs they render.
 */
export interface StackInput {
  /** Unique within the app (an assembly artifact id, a nested stack's `<parent>/<logicalId>`, a file path). */
  readonly id: string;
  /** The CloudFormation stack name, for reports. */
  readonly stackName: string;
  readonly template: Json;
  /**
   * True when `template` holds only some of the stack's resources (what the CDK aspect renders before synthesis), so
   * a reference to a resource it does not hold is not a dangling reference.
   */
  readonly partial?: boolean;
  /**
   * True when the reader found that every `Ref`, `Fn::GetAtt` target and `Fn::Sub` placeholder of the resolved
   * template names something it declares: the model then skips its own search for dangling references.
   * @default - the model searches
   */
  readonly namesAllDeclared?: boolean;
  /**
   * The template's transforms the reader did not expand (macros, AWS::Include...): what they add or change is not in `template`, so
   * the model reports each as not judged. The reader expands the SAM transform itself.
   * @default - none
   */
  readonly notExpandedTransforms?: readonly string[];
  /**
   * Resources a transform generated (the SAM transform's stages and deployments), each with the logical id of the
   * resource it comes from: their Metadata is that resource's, whose problems are reported on it alone.
   * @default - none
   */
  readonly generatedFrom?: ReadonlyMap<string, string>;
  /**
   * The template's nested stacks (`AWS::CloudFormation::Stack`) whose own template the reader did not read (a URL, a
   * Serverless Application Repository application, a file that is not there), by logical id, with why: the model
   * reports each as not judged, on the nested stack's resource.
   * @default - none
   */
  readonly unreadNestedStacks?: ReadonlyMap<string, string>;
  /**
   * The stack's environment, `aws://<account>/<region>` (as a cloud assembly's manifest writes it), when known: the
   * account prefixes the labels of its web ACLs and rule groups.
   * @default - not known
   */
  readonly environment?: string;
  /**
   * The keys of `template.Resources` in order, when the reader has listed them: the model uses them instead of
   * listing them again (a template's Resources is a dictionary-mode object, whose keys cost a walk to list).
   * @default - the model lists them
   */
  readonly resourceIds?: readonly string[];
  /** The template file, for reports. */
  readonly file?: string;
  /** Where a resource's logical id sits in `file`. */
  positionOf?(logicalId: string): SourcePosition | undefined;
  /** The construct path of a resource, when the caller knows the construct tree (CDK front doors). */
  pathOf?(logicalId: string, type: string): string | undefined;
}

/** One resource of a template, with its `Properties`. */
export interface ModelResource {
  /** `id:<stackId>/<logicalId>`, unique in the app. */
  readonly key: string;
  readonly stack: StackInput;
  readonly logicalId: string;
  readonly type: string;
  /**
   * How reports name the resource: its construct path (without a leading slash) when known, from the front door or
   * the template's `aws:cdk:path` metadata, else `<stackName>/<logicalId>`.
   */
  readonly path: string;
  /** The construct path, when known (not `<stackName>/<logicalId>`). */
  readonly cdkPath?: string;
  readonly properties: Json;
  /** The resource's `Metadata` (acknowledgements travel here). */
  readonly metadata?: Json;
}
