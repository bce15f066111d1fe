// The CDK side of the front doors: turns the stacks of a CDK app into the templates the CDK-free analysis reads,
// and maps the analysis' findings back to the constructs that render them. Nothing else in the checks knows about
// constructs.
import * as fs from 'fs';
import * as path from 'path';
import { CfnCondition, CfnElement, CfnMapping, CfnOutput, CfnParameter, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { resolveTemplates, TemplateInMemory } from '../analysis/cfn';
import { setKey } from '../analysis/cfn/json-object';
import { SAM_TRANSFORM } from '../analysis/cfn/transforms';
import { Json } from '../analysis/model/model-values';
import { MODELLED_TYPES, ModelResource, StackInput, UNRENDERABLE_PROPERTIES } from '../analysis/model/network-model';

/** Resource types the front doors hand over besides the modelled ones: what links stacks together. */
const LINKING_TYPES: ReadonlySet<string> = new Set(['AWS::CloudFormation::Stack']);

/** The stacks of a CDK app as templates, with the way back from a template resource to its construct. */
export class CdkAppTemplates {
  /**
   * Every stack of the app (nested stacks and stacks of nested stages included), rendered now: the modelled
   * resources and the outputs, resolved by aws-cdk-lib (one `resolve` call per stack). What the aspect uses, in
   * synth's validation step, before the templates are written.
   */
  public static render(root: IConstruct): CdkAppTemplates {
    return new CdkAppTemplates(root, (stack, lookup) => renderStack(stack, lookup), true);
  }

  /**
   * Every stack of the app as synthesis wrote it (the assembly must have been written: policy validation runs after
   * that); a stack whose template cannot be read is rendered instead. What the nag pack uses.
   */
  public static synthesized(root: IConstruct): CdkAppTemplates {
    // A stack whose written template cannot be read is rendered, which holds the modelled resources only.
    return new CdkAppTemplates(root, (stack, lookup) => synthesizedTemplate(stack) ?? renderStack(stack, lookup), true);
  }

  public readonly stacks: StackInput[] = [];
  private readonly byId = new Map<string, { readonly stack: Stack; readonly lookup: ConstructsByLogicalId }>();
  /** Per stack id: the SAM resource each resource the SAM transform generated comes from. */
  private readonly generatedFrom = new Map<string, ReadonlyMap<string, string>>();

  private constructor(root: IConstruct, template: (stack: Stack, lookup: ConstructsByLogicalId) => Json, private readonly partial: boolean) {
    const stacks = stacksOf(root);
    const rendered: TemplateInMemory[] = stacks.map((stack) => {
      const lookup = new ConstructsByLogicalId(stack);
      const id = stackIdOf(stack);
      this.byId.set(id, { stack, lookup });
      const parent = stack.nestedStackParent;
      return {
        id,
        stackName: stack.stackName,
        template: template(stack, lookup),
        environment: stack.environment,
        ...(parent ? { parent: { stackId: stackIdOf(parent), logicalId: nestedStackLogicalId(stack) } } : {}),
      };
    });
    // Cross-stack values (exports and imports, nested stacks' parameters and outputs) as the template reader resolves
    // them for the CLI, so both judge the same links.
    const resolved = resolveTemplates(rendered);
    rendered.forEach(({ id, stackName }, i) => {
      const lookup = this.byId.get(id)!.lookup;
      // A resource the SAM transform generates is the construct of the SAM resource it comes from.
      const generatedFrom = resolved[i].generatedFrom;
      this.generatedFrom.set(id, generatedFrom);
      const notExpanded = resolved[i].notExpandedTransforms;
      this.stacks.push({
        id,
        stackName,
        template: resolved[i].template,
        environment: rendered[i].environment,
        partial: this.partial,
        ...(notExpanded.length > 0 ? { notExpandedTransforms: notExpanded } : {}),
        ...(generatedFrom.size > 0 ? { generatedFrom } : {}),
        pathOf: (logicalId, type) => (generatedFrom.has(logicalId)
          ? lookup.find(generatedFrom.get(logicalId)!)?.node.path
          : lookup.find(logicalId, type)?.node.path),
      });
    });
  }

  /** The Stack a stack input was made from. */
  public stackOf(stackId: string): Stack | undefined {
    return this.byId.get(stackId)?.stack;
  }

  /** The construct that renders a template resource: its `CfnResource`, or its stack when no construct renders it. */
  public constructOf(resource: ModelResource): IConstruct | undefined {
    const entry = this.byId.get(resource.stack.id);
    const from = this.generatedFrom.get(resource.stack.id)?.get(resource.logicalId);
    return entry ? (from !== undefined ? entry.lookup.find(from) : entry.lookup.find(resource.logicalId, resource.type)) ?? entry.stack : undefined;
  }
}

/**
 * A stack's id in the analysis, as the template reader names the stacks of a cloud assembly: its artifact id
 * (unique in the app, nested stages' stacks included), and for a nested stack `<parent id>/<logical id of its
 * AWS::CloudFormation::Stack resource>`.
 */
export function stackIdOf(stack: Stack): string {
  const parent = stack.nestedStackParent;
  return parent ? `${stackIdOf(parent)}/${nestedStackLogicalId(stack)}` : stack.artifactId;
}

/** The logical id, in its parent, of a nested stack's AWS::CloudFormation::Stack resource. */
function nestedStackLogicalId(stack: Stack): string {
  const resource = (stack as Json).nestedStackResource as CfnResource | undefined;
  return resource ? String(stack.nestedStackParent!.resolve(resource.logicalId)) : stack.node.id;
}

function stacksOf(root: IConstruct): Stack[] {
  return root.node.findAll().filter((c): c is Stack => Stack.isStack(c));
}

/** The stack's own `CfnResource`s the analysis reads, in tree order. */
function modelledConstructs(stack: Stack): CfnResource[] {
  const sam = stack.templateOptions.transforms?.includes(SAM_TRANSFORM) === true;
  return stack.node.findAll().filter((construct): construct is CfnResource =>
    CfnResource.isCfnResource(construct)
    && (MODELLED_TYPES.has(construct.cfnResourceType) || LINKING_TYPES.has(construct.cfnResourceType)
      || (sam && SAM_TYPES.has(construct.cfnResourceType)))
    && Stack.of(construct) === stack);
}

/** The SAM resources the analysis expands (see analysis/cfn/transforms.ts), rendered when the stack has the SAM transform. */
const SAM_TYPES: ReadonlySet<string> = new Set(['AWS::Serverless::Api', 'AWS::Serverless::Function']);

/**
 * Renders the modelled resources and the outputs (exports link stacks) in one `resolve` call (cheaper than one per
 * resource), one at a time when that fails, so one resource that cannot render is reported alone.
 */
function renderStack(stack: Stack, lookup: ConstructsByLogicalId): Json {
  return withLogicalIdsRemembered(stack, () => renderStackNow(stack, lookup));
}

/**
 * Runs `render` with the stack's logical ids computed once per element. aws-cdk-lib computes an element's logical id
 * (a hash of its path) every time a `Ref` to it or its own template entry is resolved, which was a tenth of the
 * aspect's time; while the front door renders (synth's validation step, after the tree is prepared) no id can
 * change, so the stack's own `getLogicalId` is asked once per element and the result reused. The stack is left as
 * it was afterwards, even when rendering throws.
 */
function withLogicalIdsRemembered<T>(stack: Stack, render: () => T): T {
  const own = Object.prototype.hasOwnProperty.call(stack, 'getLogicalId');
  const original = stack.getLogicalId;
  const remembered = new Map<CfnElement, string>();
  Object.defineProperty(stack, 'getLogicalId', {
    configurable: true,
    writable: true,
    value: (element: CfnElement): string => {
      let id = remembered.get(element);
      if (id === undefined) {
        id = original.call(stack, element);
        remembered.set(element, id);
      }
      return id;
    },
  });
  try {
    return render();
  } finally {
    if (own) {
      Object.defineProperty(stack, 'getLogicalId', { configurable: true, writable: true, value: original });
    } else {
      delete (stack as Json).getLogicalId;
    }
  }
}

function renderStackNow(stack: Stack, lookup: ConstructsByLogicalId): Json {
  const constructs = modelledConstructs(stack);
  // Outputs carry exports, parameters what a parent passes a nested stack, conditions and mappings what decides values.
  const outputs = stack.node.findAll().filter((c): c is CfnElement => (c instanceof CfnOutput || c instanceof CfnParameter
    || c instanceof CfnCondition || c instanceof CfnMapping) && Stack.of(c) === stack);
  const resources: Record<string, Json> = {};
  const rendered: Json = { Resources: resources, Outputs: {}, Parameters: {}, Conditions: {}, Mappings: {} };
  // The stack's transforms (`addTransform`): the analysis expands SAM's and reports any other as not judged.
  const transforms = stack.templateOptions.transforms;
  if (transforms !== undefined && transforms.length > 0) {
    rendered.Transform = transforms.length === 1 ? transforms[0] : [...transforms];
  }
  let all: Json[] | undefined;
  try {
    all = withoutUndefined(stack.resolve([...constructs, ...outputs].map((c) => (c as Json)._toCloudFormation())));
  } catch {
    all = undefined;
  }
  [...constructs, ...outputs].forEach((construct, i) => {
    let fragment: Json = all?.[i];
    if (fragment === undefined) {
      try {
        fragment = withoutUndefined(stack.resolve((construct as Json)._toCloudFormation()));
      } catch (e) {
        if (CfnResource.isCfnResource(construct)) {
          // Reported by the model as not readable, naming the reason, and judged by no rule.
          const logicalId = String(stack.resolve(construct.logicalId));
          resources[logicalId] = {
            Type: construct.cfnResourceType,
            Properties: { [UNRENDERABLE_PROPERTIES]: `not renderable: ${(e as Error).message.split('\n')[0]}` },
          };
          lookup.remember(logicalId, construct);
        }
        return;
      }
    }
    for (const [logicalId, body] of Object.entries<Json>(fragment?.Resources ?? {})) {
      resources[logicalId] = body;
      lookup.remember(logicalId, construct);
    }
    for (const section of ['Outputs', 'Parameters', 'Conditions', 'Mappings']) {
      Object.assign(rendered[section], fragment?.[section] ?? {});
    }
  });
  return rendered;
}

/**
 * The stack's template as synthesis wrote it (policy validation runs after the assembly is written), or undefined
 * when it is not there (validateScope called before synth) or cannot be read.
 */
function synthesizedTemplate(stack: Stack): Json {
  try {
    const outdir = Stage.of(stack)?.outdir;
    if (!outdir) {
      return undefined;
    }
    return JSON.parse(fs.readFileSync(path.join(outdir, stack.templateFile), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The stack's constructs by logical id, hashed lazily one resource type at a time: a finding on a security group
 * hashes the stack's security groups, not its hundreds of NACL entries. Rendering fills it for free. A logical id no
 * construct of its type renders (a template edited after synthesis) is looked for among all the others.
 */
class ConstructsByLogicalId {
  private unhashed?: Map<string, CfnResource[]>;
  private readonly byId = new Map<string, CfnResource>();

  constructor(private readonly stack: Stack) {}

  public remember(logicalId: string, construct: IConstruct): void {
    if (CfnResource.isCfnResource(construct)) {
      this.byId.set(logicalId, construct);
    }
  }

  public find(logicalId: string, type?: string): CfnResource | undefined {
    if (this.byId.has(logicalId)) {
      return this.byId.get(logicalId);
    }
    const unhashed = this.unhashed ??= groupByType(this.stack);
    if (type !== undefined) {
      this.hash(unhashed.get(type));
      unhashed.delete(type);
    }
    if (!this.byId.has(logicalId)) {
      for (const constructs of unhashed.values()) {
        this.hash(constructs);
      }
      unhashed.clear();
    }
    return this.byId.get(logicalId);
  }

  private hash(constructs: readonly CfnResource[] | undefined): void {
    for (const construct of constructs ?? []) {
      // CfnElement's own rule for its logical id: an override, else the stack's allocation (no resolve needed).
      this.byId.set((construct as Json)._logicalIdOverride ?? this.stack.getLogicalId(construct), construct);
    }
  }
}

function groupByType(stack: Stack): Map<string, CfnResource[]> {
  const byType = new Map<string, CfnResource[]>();
  for (const construct of stack.node.findAll()) {
    if (CfnResource.isCfnResource(construct) && Stack.of(construct) === stack) {
      const group = byType.get(construct.cfnResourceType) ?? [];
      group.push(construct);
      byType.set(construct.cfnResourceType, group);
    }
  }
  return byType;
}

/**
 * The value as it will be in the template: L1 renderers leave absent optional properties as `undefined` keys
 * (every statement type of a WAF statement, for example), which JSON serialization drops. A copy: this runs over
 * every rendered value of every stack at synth, and nearly every rendered object holds an `undefined`, so a
 * copy-on-write walk only added a second pass.
 */
export function withoutUndefined(value: Json): Json {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    const list: Json[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      list[i] = withoutUndefined(value[i]);
    }
    return list;
  }
  const result: Record<string, Json> = {};
  for (const key in value) {
    const child = value[key];
    if (child === undefined || !Object.prototype.hasOwnProperty.call(value, key)) {
      continue;
    }
    if (key === '__proto__') {
      setKey(result, key, withoutUndefined(child));
    } else {
      result[key] = withoutUndefined(child);
    }
  }
  return result;
}
