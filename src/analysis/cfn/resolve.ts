// Resolves what a template's own text and its sibling stacks decide (parameters, pseudo parameters, conditions,
// mappings, cross-stack values, a VPC's CidrBlock attribute and Fn::Cidr over it) and leaves every other intrinsic as
// written.

import { isObject, own, setKey } from './json-object';
import { Json, PSEUDO_PARAMETERS, STACK_REF } from './types';
import { IpFamily } from '../../ip/family';
import { formatAddress, parseCidrOrReason } from '../../private/ip';

/** A stack as the reader found it, before resolution. */
export interface StackSource {
  readonly id: string;
  readonly stackName: string;
  readonly template: Json;
  readonly environment?: string;
  /** --parameter values and the manifest's parameters (the command line wins). */
  readonly parameterValues: Readonly<Record<string, string>>;
  /** For a nested stack: its parent and the AWS::CloudFormation::Stack logical id there. */
  readonly parent?: { readonly source: StackSource; readonly logicalId: string };
  /** Nested stacks loaded for this stack, by the logical id of their AWS::CloudFormation::Stack. */
  readonly children: Map<string, StackSource>;
  /**
   * The keys of `template.Resources` in order, when the reader listed them already: a template's Resources is a
   * dictionary-mode object (too many keys for a fast one), whose keys cost a walk each time they are listed.
   */
  resourceIds?: readonly string[];
}

/**
 * How deep values may nest (objects and arrays inside each other). A template nests a few levels, a WAF statement
 * a few dozen; a value nested thousands of levels deep is no template CloudFormation takes (its templates are at
 * most 1 MB), and would overflow the stack of every recursive walk.
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * How deep the resolution under way is: values inside values, conditions naming conditions, and across stacks (a value
 * that imports another stack's output, which imports another's...), so one count serves every resolver. Set to 0 when
 * a template's resolution starts, so an error thrown through an earlier one leaves no count behind.
 */
let nesting = 0;

/** Thrown by the resolver for a value nested deeper than {@link MAX_NESTING_DEPTH}; the reader names the file. */
export class NestedTooDeeplyError extends Error {
  constructor() {
    super(`values nested more than ${MAX_NESTING_DEPTH} levels deep (objects and lists inside each other, conditions naming conditions, `
      + 'or imports of outputs that import others)');
    this.name = 'NestedTooDeeplyError';
  }
}

/** Marks a value CloudFormation drops (`Ref: AWS::NoValue`, or a decided Fn::If that picks it). */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

/** Not a declared parameter, or a parameter whose value cannot be known here. */
const UNKNOWN: unique symbol = Symbol('unknown');
const PENDING: unique symbol = Symbol('pending');

const isScalar = (v: Json): boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/** A value with no intrinsic left: a scalar, or a list of scalars (what a parameter can hold). */
const isLiteral = (v: Json): boolean => isScalar(v) || (Array.isArray(v) && v.every(isScalar));
const section = (template: Json, name: string): Record<string, Json> => {
  const s = isObject(template) ? template[name] : undefined;
  return isObject(s) ? s : {};
};

export function isStackRef(v: Json): boolean {
  return isObject(v) && own(v, STACK_REF) && Object.keys(v).length === 1;
}

/** Wraps a value of another stack; a value that already lives elsewhere keeps its own stack. */
function stackRef(stackId: string, value: Json): Json {
  return isStackRef(value) ? value : { [STACK_REF]: { stackId, value } };
}

/**
 * Parameter types whose value is a list.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#parameters-section-structure-properties-type
 */
function isListType(type: string): boolean {
  return type === 'CommaDelimitedList' || /^List<.+>$/.test(type);
}

function coerceParameter(type: string, value: Json): Json {
  if (!isListType(type)) return value;
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value === '' ? [] : value.split(',').map((s) => s.trim());
  if (isScalar(value)) return [String(value)];
  return value;
}

function equalLiterals(a: Json, b: Json): boolean | undefined {
  if (isScalar(a) && isScalar(b)) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b) && isLiteral(a) && isLiteral(b)) {
    return a.length === b.length && a.every((x, i) => String(x) === String(b[i]));
  }
  return undefined;
}

/**
 * Thrown by a provisional {@link App} when a resolution needs another stack of the app (an import, a nested stack),
 * which is not read yet: the resolution is left to the app's, once every stack is read.
 */
export class NeedsOtherStacksError extends Error {
  constructor() {
    super('the value needs another stack of the app');
  }
}

/** Where to find an export by name: the stacks of the whole app. */
export class App {
  /**
   * An app of one stack that is resolved as soon as it is read (its template is then still in the processor's
   * caches): any question about another stack throws {@link NeedsOtherStacksError}, so what it resolves is what the
   * whole app's resolution gives.
   */
  public static provisional(source: StackSource): App {
    return new App([source], true);
  }

  private readonly full = new Map<StackSource, StackResolver>();
  private readonly names = new Map<StackSource, StackResolver>();
  private exportIndex?: Map<string, { source: StackSource; outputKey: string }[]>;

  constructor(private readonly sources: readonly StackSource[], private readonly alone = false) {}

  sourceById(id: string): StackSource | undefined {
    const found = this.sources.find((s) => s.id === id);
    if (this.alone && found === undefined) throw new NeedsOtherStacksError();
    return found;
  }

  resolver(source: StackSource, crossStack: boolean): StackResolver {
    if (this.alone && source !== this.sources[0]) throw new NeedsOtherStacksError();
    const cache = crossStack ? this.full : this.names;
    let r = cache.get(source);
    if (!r) {
      r = new StackResolver(source, this, crossStack);
      cache.set(source, r);
    }
    return r;
  }

  /**
   * The output exporting `name`, preferring the importer's environment: export names are unique per account
   * and Region, so the same name in two environments is two exports.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html
   */
  findExport(name: string, importer: StackSource): { source: StackSource; outputKey: string } | undefined {
    if (this.alone) throw new NeedsOtherStacksError();
    const candidates = (this.exports().get(name) ?? []).filter((c) => c.source !== importer);
    if (candidates.length === 0) return undefined;
    return candidates.find((c) => c.source.environment === importer.environment) ?? candidates[0];
  }

  private exports(): Map<string, { source: StackSource; outputKey: string }[]> {
    if (this.exportIndex) return this.exportIndex;
    const index = new Map<string, { source: StackSource; outputKey: string }[]>();
    // Export names are resolved without cross-stack values, so building the index never needs the index.
    for (const source of this.sources) {
      const outputs = section(source.template, 'Outputs');
      const names = this.resolver(source, false);
      for (const [outputKey, output] of Object.entries(outputs)) {
        if (!isObject(output) || !isObject(output.Export) || !own(output.Export, 'Name')) continue;
        if (typeof output.Condition === 'string' && names.condition(output.Condition) === false) continue;
        const name = names.resolve(output.Export.Name);
        if (typeof name !== 'string') continue;
        const list = index.get(name) ?? [];
        list.push({ source, outputKey });
        index.set(name, list);
      }
    }
    this.exportIndex = index;
    return index;
  }
}

/** Resolves values of one stack. With `crossStack` false, imports and nested-stack outputs stay as written. */
export class StackResolver {
  private readonly parameters: Record<string, Json>;
  private readonly conditionDefs: Record<string, Json>;
  private readonly mappings: Record<string, Json>;
  private readonly outputDefs: Record<string, Json>;
  private readonly parameterCache = new Map<string, Json | typeof UNKNOWN>();
  private readonly conditionCache = new Map<string, boolean | undefined | typeof PENDING>();
  /** VPCs whose CidrBlock is being resolved, so a VPC whose block names itself cannot loop. */
  private readonly resolvingVpcs = new Set<string>();

  private readonly outputCache = new Map<string, Json | typeof PENDING>();
  private readonly resources: Record<string, Json>;
  /**
   * Set when a value this resolver met may name something the template does not declare: a `Ref`, an `Fn::GetAtt`
   * target or an `Fn::Sub` placeholder that is no resource (or parameter, or pseudo parameter), a reference it does
   * not read, or a resource a false condition removes (a reference to it dangles). See {@link namesAllDeclared}.
   */
  private undeclaredSeen = false;
  /** The logical ids of the last resolved template's Resources, in order. */
  private resolvedIds: readonly string[] = [];

  constructor(private readonly source: StackSource, private readonly app: App, private readonly crossStack: boolean) {
    this.parameters = section(source.template, 'Parameters');
    this.conditionDefs = section(source.template, 'Conditions');
    this.mappings = section(source.template, 'Mappings');
    this.outputDefs = section(source.template, 'Outputs');
    this.resources = section(source.template, 'Resources');
  }

  /**
   * True when every `Ref`, `Fn::GetAtt` target and `Fn::Sub` placeholder in the values resolved so far names a
   * resource of the resolved template, a parameter or a pseudo parameter: the resolved template then holds no
   * dangling reference, and the model need not walk it again to find one. Every name in a resolved value was met
   * here, as values are resolved from the inside (an unchanged value was walked whole, and what replaces a
   * reference is a literal or another stack's value, which stays that stack's); what is not read is counted as
   * possibly dangling.
   */
  public namesAllDeclared(): boolean {
    return !this.undeclaredSeen;
  }

  /** How many resources the template {@link resolveTemplate} last returned declares (those a false condition removes are gone). */
  public resolvedResourceCount(): number {
    return this.resolvedIds.length;
  }

  /** The logical ids of the Resources of the template {@link resolveTemplate} last returned, in order. */
  public resolvedResourceIds(): readonly string[] {
    return this.resolvedIds;
  }

  private declares(name: string, isRef: boolean): boolean {
    // A resource first: nearly every name is one, and a pseudo parameter is no resource's logical id.
    return own(this.resources, name) || PSEUDO_PARAMETERS.has(name) || (isRef && own(this.parameters, name));
  }

  /** Notes the names an intrinsic uses, as the model's dangling-reference walk reads them. */
  private noteNames(fn: string, arg: Json): void {
    if (this.undeclaredSeen) return;
    if (fn === 'Ref') {
      this.undeclaredSeen = typeof arg !== 'string' || !this.declares(arg, true);
    } else if (fn === 'Fn::GetAtt') {
      const target = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
      this.undeclaredSeen = typeof target !== 'string' || !this.declares(target, false);
    } else if (fn === 'Fn::Sub') {
      // Only the plain form is read here; a variable map (whose unused values are never resolved) counts as unread.
      if (typeof arg !== 'string') {
        this.undeclaredSeen = true;
        return;
      }
      for (const match of arg.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        if (!this.declares(match[1].split('.')[0].trim(), true)) {
          this.undeclaredSeen = true;
          return;
        }
      }
    }
  }

  /**
   * The template with Resources and Outputs resolved: a resource or output whose condition is false is removed, one
   * whose condition is true loses its `Condition`, an undecided one keeps it.
   */
  resolveTemplate(): Json {
    nesting = 0;
    const template = this.source.template;
    const declared = section(template, 'Resources');
    // Keys, not entries: this loop visits every resource of every template, and a pair per resource is garbage.
    const ids = declared === template.Resources && this.source.resourceIds !== undefined ? this.source.resourceIds : Object.keys(declared);
    // The ids the resolved Resources keeps: the declared ones until one is removed, then a list of its own.
    let kept: string[] | undefined;
    // Copy-on-write: the declared resources are handed on as they are until one of them changes or goes, as most
    // resources of most templates hold nothing this resolves.
    let resources: Record<string, Json> | undefined;
    const copyUpTo = (end: number): Record<string, Json> => {
      if (resources === undefined) {
        resources = {};
        for (let j = 0; j < end; j++) setKey(resources, ids[j], declared[ids[j]]);
      }
      return resources;
    };
    for (let i = 0; i < ids.length; i++) {
      const logicalId = ids[i];
      const resource = declared[logicalId];
      if (!isObject(resource)) {
        if (resources !== undefined) setKey(resources, logicalId, resource);
        kept?.push(logicalId);
        continue;
      }
      const exists = typeof resource.Condition === 'string' ? this.condition(resource.Condition) : undefined;
      if (exists === false) {
        copyUpTo(i);
        // A reference to it, left as written, names no resource of the resolved template.
        this.undeclaredSeen = true;
        kept ??= ids.slice(0, i);
        continue;
      }
      let out: Record<string, Json> | undefined;
      if (exists === true) {
        // Decided: the resource exists unconditionally, and the model need not wonder.
        out = { ...resource };
        delete out.Condition;
      }
      // for-in, not Object.keys: an array of keys per resource of every template is garbage.
      for (const k in resource) {
        // Metadata stays as written: the model reads aws:cdk:path and acknowledgements from it.
        if (k === 'Type' || k === 'Condition' || k === 'Metadata' || k === 'DependsOn') continue;
        const v = resource[k];
        const r = this.resolve(v);
        if (r !== v) {
          out ??= { ...resource };
          if (r === NO_VALUE) delete out[k];
          else setKey(out, k, r);
        }
      }
      if (out !== undefined) setKey(copyUpTo(i), logicalId, out);
      else if (resources !== undefined) setKey(resources, logicalId, resource);
      kept?.push(logicalId);
    }
    this.resolvedIds = kept ?? ids;
    const result: Record<string, Json> = { ...template, Resources: resources ?? declared };
    if (isObject(template.Outputs)) {
      const outputs: Record<string, Json> = {};
      for (const [key, output] of Object.entries(template.Outputs as Record<string, Json>)) {
        if (!isObject(output)) {
          setKey(outputs, key, output);
          continue;
        }
        const exists = typeof output.Condition === 'string' ? this.condition(output.Condition) : undefined;
        if (exists === false) continue;
        const o: Record<string, Json> = { ...output };
        if (exists === true) delete o.Condition;
        if (own(output, 'Value')) {
          const v = this.outputValue(key);
          if (v === undefined) delete o.Value;
          else o.Value = v;
        }
        if (own(output, 'Export')) {
          const e = this.resolve(output.Export);
          if (e === NO_VALUE) delete o.Export;
          else o.Export = e;
        }
        setKey(outputs, key, o);
      }
      result.Outputs = outputs;
    }
    return result;
  }

  /** An output's resolved Value; undefined when the output does not exist (or its condition is false). */
  outputValue(key: string): Json | undefined {
    const cached = this.outputCache.get(key);
    if (cached === PENDING) return undefined;
    if (this.outputCache.has(key)) return cached;
    this.outputCache.set(key, PENDING);
    let value: Json | undefined;
    const output = own(this.outputDefs, key) ? this.outputDefs[key] : undefined;
    if (isObject(output) && own(output, 'Value')
      && !(typeof output.Condition === 'string' && this.condition(output.Condition) === false)) {
      const r = this.resolve(output.Value);
      value = r === NO_VALUE ? undefined : r;
    }
    this.outputCache.set(key, value);
    return value;
  }

  /** true/false when decided, undefined when an input is unknown (or the condition is missing or circular). */
  condition(name: string): boolean | undefined {
    const cached = this.conditionCache.get(name);
    if (cached === PENDING) return undefined;
    if (this.conditionCache.has(name)) return cached;
    this.conditionCache.set(name, PENDING);
    // A condition may name another, which may name another: the chain counts as nesting.
    if (++nesting > MAX_NESTING_DEPTH) {
      nesting = 0;
      throw new NestedTooDeeplyError();
    }
    const value = own(this.conditionDefs, name) ? this.evaluate(this.conditionDefs[name], 0) : undefined;
    nesting--;
    this.conditionCache.set(name, value);
    return value;
  }

  /**
   * Condition functions.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html
   */
  private evaluate(expression: Json, depth: number): boolean | undefined {
    if (depth > 100) return undefined;
    if (typeof expression === 'boolean') return expression;
    if (!isObject(expression)) return undefined;
    const keys = Object.keys(expression);
    if (keys.length !== 1) return undefined;
    const arg = expression[keys[0]];
    switch (keys[0]) {
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg) : undefined;
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) return undefined;
        const a = this.resolve(arg[0]);
        const b = this.resolve(arg[1]);
        return a === NO_VALUE || b === NO_VALUE ? undefined : equalLiterals(a, b);
      }
      case 'Fn::Not':
        if (!Array.isArray(arg) || arg.length !== 1) return undefined;
        {
          const v = this.evaluate(arg[0], depth + 1);
          return v === undefined ? undefined : !v;
        }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length === 0) return undefined;
        const decisive = keys[0] === 'Fn::Or';
        let unknown = false;
        for (const item of arg) {
          const v = this.evaluate(item, depth + 1);
          if (v === decisive) return decisive;
          if (v === undefined) unknown = true;
        }
        return unknown ? undefined : !decisive;
      }
      default:
        return undefined;
    }
  }

  /** A parameter's value; UNKNOWN when not declared, SSM-typed, or without a value. */
  private parameter(name: string): Json | typeof UNKNOWN {
    // Most names asked for are resources (every Ref to one): they are no parameter, without a cache entry each.
    if (!own(this.parameters, name)) return UNKNOWN;
    if (this.parameterCache.has(name)) return this.parameterCache.get(name);
    this.parameterCache.set(name, UNKNOWN);
    const value = this.computeParameter(name);
    this.parameterCache.set(name, value);
    return value;
  }

  private computeParameter(name: string): Json | typeof UNKNOWN {
    if (!own(this.parameters, name)) return UNKNOWN;
    const declaration = this.parameters[name];
    const type = isObject(declaration) && typeof declaration.Type === 'string' ? declaration.Type : 'String';
    // The value is the SSM parameter's, read at deploy time; what is passed is only its name.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#aws-ssm-parameter-types
    if (type.startsWith('AWS::SSM::Parameter::Value<')) return UNKNOWN;
    const parent = this.source.parent;
    if (parent) {
      const stack = section(parent.source.template, 'Resources')[parent.logicalId];
      const passed = isObject(stack) && isObject(stack.Properties) && isObject(stack.Properties.Parameters)
        ? stack.Properties.Parameters as Record<string, Json> : {};
      if (own(passed, name)) {
        const r = this.app.resolver(parent.source, this.crossStack).resolve(passed[name]);
        if (r !== NO_VALUE) {
          return isLiteral(r) ? coerceParameter(type, r) : stackRef(parent.source.id, r);
        }
      }
    }
    if (own(this.source.parameterValues, name)) return coerceParameter(type, this.source.parameterValues[name]);
    if (isObject(declaration) && own(declaration, 'Default') && isLiteral(declaration.Default)) {
      return coerceParameter(type, declaration.Default);
    }
    return UNKNOWN;
  }

  /**
   * Pseudo parameters the reader can know.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
   */
  private pseudo(name: string): Json | typeof UNKNOWN {
    if (name === 'AWS::StackName') {
      // A nested stack's name gets a generated suffix at deploy time.
      return this.source.parent ? UNKNOWN : this.source.stackName;
    }
    const env = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(this.source.environment ?? '');
    if (name === 'AWS::AccountId' && env && env[1] !== 'unknown-account') return env[1];
    if (name === 'AWS::Region' && env && env[2] !== 'unknown-region') return env[2];
    return UNKNOWN;
  }

  private ref(name: string, original: Json): Resolved {
    if (name === 'AWS::NoValue') return NO_VALUE;
    const value = name.startsWith('AWS::') ? this.pseudo(name) : this.parameter(name);
    return value === UNKNOWN ? original : value;
  }

  /** Resolves a value; returns the same object when nothing in it changed. */
  resolve(value: Json): Resolved {
    if (value === null || typeof value !== 'object') return value;
    // Every walk of the analysis recurses into values: one nested deeper than any template needs would overflow the
    // stack somewhere. It is refused here, first, with a reason (the reader names the file).
    if (++nesting > MAX_NESTING_DEPTH) {
      nesting = 0;
      throw new NestedTooDeeplyError();
    }
    const resolved = this.resolveObject(value);
    nesting--;
    return resolved;
  }

  private resolveObject(value: Json): Resolved {
    if (Array.isArray(value)) {
      let out: Json[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        const r = item === null || typeof item !== 'object' ? item : this.resolve(item);
        if (r !== item && !out) out = value.slice(0, i);
        if (out && r !== NO_VALUE) out.push(r);
      }
      return out ?? value;
    }
    // for-in, not Object.keys: this loop visits every object of every template, and allocates nothing.
    let first: string | undefined;
    let count = 0;
    for (const k in value) {
      if (count++ === 0) first = k;
      else break;
    }
    if (count === 1) {
      const k = first as string;
      if (k === STACK_REF) return value;
      if (k === 'Ref' || k.startsWith('Fn::')) return this.intrinsic(k, value[k], value);
    }
    let out: Record<string, Json> | undefined;
    for (const k in value) {
      const v = value[k];
      if (v === null || typeof v !== 'object') continue;
      const r = this.resolve(v);
      if (r !== v) {
        const copy: Record<string, Json> = out ?? (out = { ...value });
        if (r === NO_VALUE) delete copy[k];
        else setKey(copy, k, r);
      }
    }
    return out ?? value;
  }

  private intrinsic(fn: string, arg: Json, original: Json): Resolved {
    this.noteNames(fn, arg);
    switch (fn) {
      case 'Ref':
        return typeof arg === 'string' ? this.ref(arg, original) : original;
      case 'Fn::If':
        return this.fnIf(arg, original);
      case 'Fn::Sub':
        return this.fnSub(arg, original);
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.rewrap(fn, arg, original);
        const delimiter = this.resolve(arg[0]);
        const list = this.resolve(arg[1]);
        if (typeof delimiter === 'string' && Array.isArray(list) && list.every(isScalar)) return list.join(delimiter);
        return this.rewrapArgs(fn, arg, [delimiter, list], original);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.rewrap(fn, arg, original);
        const index = this.resolve(arg[0]);
        const list = this.resolve(arg[1]);
        const i = typeof index === 'number' ? index : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : -1;
        if (Array.isArray(list) && Number.isInteger(i) && i >= 0 && i < list.length) return list[i];
        return this.rewrapArgs(fn, arg, [index, list], original);
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.rewrap(fn, arg, original);
        const delimiter = this.resolve(arg[0]);
        const text = this.resolve(arg[1]);
        if (typeof delimiter === 'string' && delimiter !== '' && typeof text === 'string') return text.split(delimiter);
        const items = typeof delimiter === 'string' && delimiter !== '' ? this.joinedItems(delimiter, text) : undefined;
        if (items) return items;
        return this.rewrapArgs(fn, arg, [delimiter, text], original);
      }
      case 'Fn::FindInMap':
        return this.findInMap(arg, original);
      case 'Fn::GetAtt':
        return this.getAtt(arg, original);
      case 'Fn::Cidr':
        return this.fnCidr(arg, original);
      case 'Fn::ImportValue': {
        const name = this.resolve(arg);
        if (this.crossStack && typeof name === 'string') {
          const found = this.app.findExport(name, this.source);
          if (found) {
            const v = this.app.resolver(found.source, true).outputValue(found.outputKey);
            // A literal (an address range, a port) means the same in every stack: it is handed on as it is.
            if (v !== undefined) return isLiteral(v) ? v : stackRef(found.source.id, v);
          }
        }
        return name === arg ? original : { [fn]: name === NO_VALUE ? { Ref: 'AWS::NoValue' } : name };
      }
      default:
        return this.rewrap(fn, arg, original);
    }
  }

  /**
   * `Fn::Split [d, Fn::Join [d, items]]` is the items when none can hold `d`: how a stack exports a list of subnet or
   * group ids and another imports it (`!Split [",", !ImportValue Subnets]`). Only for a comma: a `Ref` to a resource
   * or a `Fn::GetAtt` is an id or an ARN, which holds no comma (an ARN does hold colons); literal items must not hold
   * it. A value from another stack keeps its stack.
   */
  private joinedItems(delimiter: string, text: Json): Json[] | undefined {
    let stackId: string | undefined;
    let value = text;
    if (isStackRef(value)) {
      // A template can write this key itself: only the reader's own shape counts.
      const wrapped = value[STACK_REF];
      if (!isObject(wrapped) || typeof wrapped.stackId !== 'string') return undefined;
      stackId = wrapped.stackId;
      value = wrapped.value;
    }
    const join = isObject(value) && Object.keys(value).length === 1 ? value['Fn::Join'] : undefined;
    if (!Array.isArray(join) || join.length !== 2 || join[0] !== delimiter || !Array.isArray(join[1]) || delimiter !== ',') {
      return undefined;
    }
    const source = stackId !== undefined ? this.app.sourceById(stackId) : this.source;
    const resources = source ? section(source.template, 'Resources') : {};
    const safe = (item: Json) => (typeof item === 'string' ? !item.includes(delimiter)
      : isObject(item) && Object.keys(item).length === 1 && (
        (typeof item.Ref === 'string' && own(resources, item.Ref)) || Array.isArray(item['Fn::GetAtt'])));
    if (!join[1].every(safe)) {
      return undefined;
    }
    return join[1].map((item: Json) => (stackId !== undefined && typeof item !== 'string' ? stackRef(stackId, item) : item));
  }

  private rewrap(fn: string, arg: Json, original: Json): Json {
    const r = this.resolve(arg);
    if (r === arg) return original;
    return { [fn]: r === NO_VALUE ? { Ref: 'AWS::NoValue' } : r };
  }

  private rewrapArgs(fn: string, arg: Json[], resolved: Resolved[], original: Json): Json {
    if (resolved.every((r, i) => r === arg[i])) return original;
    return { [fn]: resolved.map(keepNoValue) };
  }

  private fnIf(arg: Json, original: Json): Resolved {
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return this.rewrap('Fn::If', arg, original);
    const decided = this.condition(arg[0]);
    if (decided === true) return this.resolve(arg[1]);
    if (decided === false) return this.resolve(arg[2]);
    return this.rewrapArgs('Fn::If', arg, [arg[0], this.resolve(arg[1]), this.resolve(arg[2])], original);
  }

  private findInMap(arg: Json, original: Json): Resolved {
    if (!Array.isArray(arg) || arg.length < 3) return this.rewrap('Fn::FindInMap', arg, original);
    const keys = arg.slice(0, 3).map((k) => this.resolve(k));
    if (keys.every((k) => typeof k === 'string' || typeof k === 'number')) {
      const [m, top, second] = keys.map(String);
      const map = own(this.mappings, m) ? this.mappings[m] : undefined;
      const entry = isObject(map) && own(map, top) ? map[top] : undefined;
      if (isObject(entry) && own(entry, second)) return this.resolve(entry[second]);
      // AWS::LanguageExtensions: a fourth argument { DefaultValue } when the keys are not in the map.
      const fallback = arg[3];
      if (isObject(fallback) && own(fallback, 'DefaultValue')) return this.resolve(fallback.DefaultValue);
    }
    return this.rewrapArgs('Fn::FindInMap', arg, [...keys, ...arg.slice(3).map((a: Json) => this.resolve(a))], original);
  }

  private getAtt(arg: Json, original: Json): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return this.rewrap('Fn::GetAtt', arg, original);
    const attribute = this.resolve(arg[1]);
    const child = this.source.children.get(arg[0]);
    if (this.crossStack && child && typeof attribute === 'string' && attribute.startsWith('Outputs.')) {
      const v = this.app.resolver(child, true).outputValue(attribute.slice('Outputs.'.length));
      if (v !== undefined) return isLiteral(v) ? v : stackRef(child.id, v);
    }
    if (attribute === 'CidrBlock') {
      const cidr = this.vpcCidrBlock(arg[0]);
      if (cidr !== undefined) return cidr;
    }
    return this.rewrapArgs('Fn::GetAtt', arg, [arg[0], attribute], original);
  }

  /**
   * `Fn::GetAtt <VPC>.CidrBlock` is the VPC's primary IPv4 block: its `CidrBlock` property, when that resolves to a
   * literal (a VPC given an IPAM pool instead has none the template can know). What `Peer.ipv4(vpc.vpcCidrBlock)`
   * and `!Cidr [!GetAtt Vpc.CidrBlock, ...]` are written with.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpc.html#aws-resource-ec2-vpc-return-values
   */
  private vpcCidrBlock(logicalId: string): string | undefined {
    const resource = section(this.source.template, 'Resources')[logicalId];
    if (!isObject(resource) || resource.Type !== 'AWS::EC2::VPC' || !isObject(resource.Properties) || this.resolvingVpcs.has(logicalId)) {
      return undefined;
    }
    this.resolvingVpcs.add(logicalId);
    try {
      const value = this.resolve(resource.Properties.CidrBlock);
      return typeof value === 'string' && typeof parseCidrOrReason(value) !== 'string' ? value : undefined;
    } finally {
      this.resolvingVpcs.delete(logicalId);
    }
  }

  /**
   * `Fn::Cidr [ipBlock, count, cidrBits]`: `count` (1-256) consecutive blocks of `cidrBits` host bits (a mask of 32 -
   * cidrBits for IPv4, 128 - cidrBits for IPv6) from the start of `ipBlock`. Left as written unless every argument is
   * known and the blocks fit in `ipBlock` (CloudFormation fails the stack otherwise).
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html
   */
  private fnCidr(arg: Json, original: Json): Resolved {
    if (!Array.isArray(arg) || arg.length !== 3) return this.rewrap('Fn::Cidr', arg, original);
    const resolved = arg.map((a) => this.resolve(a));
    const [block, countValue, bitsValue] = resolved;
    const integer = (v: Json) => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
    const count = integer(countValue);
    const bits = integer(bitsValue);
    const cidr = typeof block === 'string' ? parseCidrOrReason(block) : undefined;
    if (cidr === undefined || typeof cidr === 'string' || count === undefined || bits === undefined || count < 1 || count > 256) {
      return this.rewrapArgs('Fn::Cidr', arg, resolved, original);
    }
    const width = cidr.family === IpFamily.IPV4 ? 32 : 128;
    const prefix = width - bits;
    if (bits < 0 || prefix < cidr.prefixLength || prefix > width) {
      return this.rewrapArgs('Fn::Cidr', arg, resolved, original);
    }
    const size = 2n ** BigInt(bits);
    if (cidr.first + size * BigInt(count) - 1n > cidr.last) {
      return this.rewrapArgs('Fn::Cidr', arg, resolved, original);
    }
    return Array.from({ length: count }, (_, i) => `${formatAddress(cidr.family, cidr.first + size * BigInt(i))}/${prefix}`);
  }

  /**
   * `${Name}` is a parameter, pseudo parameter or resource (`${Name.Attribute}` an attribute); `${!Literal}` is
   * the text `${Literal}`. Known scalars are substituted; a fully known string becomes a plain string.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html
   */
  private fnSub(arg: Json, original: Json): Resolved {
    let text: Json;
    let variables: Record<string, Json> = {};
    if (typeof arg === 'string') {
      text = arg;
    } else if (Array.isArray(arg) && arg.length === 2 && isObject(arg[1])) {
      text = arg[0];
      variables = arg[1];
    } else {
      return this.rewrap('Fn::Sub', arg, original);
    }
    if (typeof text !== 'string') return this.rewrap('Fn::Sub', arg, original);
    // `${X.Arn}` alone is `Fn::GetAtt [X, Arn]`, and `${X}` alone `Ref X` (what people write for a rule group's or an
    // IP set's ARN): resolved as those, so that they link what they name as the long forms do.
    const whole = /^\$\{([A-Za-z0-9:]+)(?:\.([A-Za-z0-9.]+))?\}$/.exec(text);
    // A parameter keeps its own path (a list parameter in Fn::Sub is no string CloudFormation takes).
    if (whole && !own(variables, whole[1] + (whole[2] !== undefined ? `.${whole[2]}` : '')) && !whole[1].includes('::')
      && (whole[2] !== undefined || !own(section(this.source.template, 'Parameters'), whole[1]))) {
      return whole[2] !== undefined
        ? this.getAtt([whole[1], whole[2]], { 'Fn::GetAtt': [whole[1], whole[2]] })
        : this.resolve({ Ref: whole[1] });
    }
    const kept: Record<string, Json> = {};
    let unresolved = false;
    let full = '';
    let partial = '';
    let last = 0;
    const pattern = /\$\{([^}]*)\}/g;
    // Text that lands after a '$' and opens with '{' must not form a placeholder the template did not write
    // ('$${Empty}{X}' is the text '${X}' once ${Empty} is substituted): it is written as the literal '${!X}'.
    const literal = (piece: string) => (partial.endsWith('$') && piece.startsWith('{') && piece.includes('}') ? `{!${piece.slice(1)}` : piece);
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const between = text.slice(last, m.index);
      full += between;
      partial += literal(between);
      last = m.index + m[0].length;
      const name = m[1];
      if (name.startsWith('!')) {
        full += '${' + name.slice(1) + '}';
        partial += m[0];
        continue;
      }
      let value: Json;
      if (own(variables, name)) {
        value = this.resolve(variables[name]);
      } else if (!name.includes('.')) {
        const r = this.ref(name, undefined);
        value = r;
      }
      if (isScalar(value)) {
        full += String(value);
        partial += literal(String(value).replace(/\$\{/g, '${!'));
        continue;
      }
      unresolved = true;
      full += m[0];
      partial += m[0];
      if (value !== undefined && value !== NO_VALUE) setKey(kept, name, value);
      else if (own(variables, name)) setKey(kept, name, keepNoValue(variables[name]));
    }
    full += text.slice(last);
    partial += literal(text.slice(last));
    if (!unresolved) return full;
    const variablesChanged = Object.keys(kept).length !== Object.keys(variables).length
      || Object.keys(kept).some((k) => !own(variables, k) || kept[k] !== variables[k]);
    if (partial === text && !variablesChanged) return original;
    return { 'Fn::Sub': Object.keys(kept).length > 0 ? [partial, kept] : partial };
  }
}

function keepNoValue(r: Resolved): Json {
  return r === NO_VALUE ? { Ref: 'AWS::NoValue' } : r;
}
