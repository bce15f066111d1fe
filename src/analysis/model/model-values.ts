// Reading resolved CloudFormation values: references back to logical ids, and a fair description of anything
// that cannot be known at synth (imports, parameters, cross-stack references), so a rule can say exactly which
// value it could not verify instead of guessing.

/** Resolved template JSON (`Stack.resolve` output): literals, lists, objects and intrinsic functions. */
export type Json = any;

/**
 * The synthetic intrinsic the template reader writes for a value that lives in another stack of the app (an
 * `Fn::ImportValue` resolved against the exporting stack's outputs, a nested stack's parameter, a parent's
 * `Fn::GetAtt [Nested, Outputs.X]`): `{ 'LayeredDefense::StackRef': { stackId, value } }`, `value` read in stack
 * `stackId`.
 */
import { IpFamily } from '../../ip/family';
import { STACK_REF } from '../cfn/types';

export { STACK_REF };

/** A `{ Ref }` or `{ Fn::GetAtt }` to a resource, by logical id. */
export interface ResourceReference {
  readonly logicalId: string;
  /** The attribute of a `Fn::GetAtt`; undefined for a `Ref`. */
  readonly attribute?: string;
  /** The stack the resource is in, when the reference crosses stacks (a `LayeredDefense::StackRef`). */
  readonly stackId?: string;
}

/**
 * The resource a value refers to, when the value is exactly a `Ref`, a `Fn::GetAtt` or a cross-stack value that
 * is one. A `Ref` to a pseudo parameter (`AWS::Region`) refers to no resource.
 */
export function referenceOf(value: Json): ResourceReference | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  // The model asks this of every value it links: the only key is found with for-in, which allocates nothing.
  const only = onlyKey(value);
  if (only === undefined) {
    return undefined;
  }
  if (only === 'Ref' && typeof value.Ref === 'string') {
    return value.Ref.startsWith('AWS::') ? undefined : { logicalId: value.Ref };
  }
  if (only === 'Fn::GetAtt') {
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
      return { logicalId: getAtt[0], attribute: typeof getAtt[1] === 'string' ? getAtt[1] : undefined };
    }
    if (typeof getAtt === 'string' && getAtt.includes('.')) {
      const dot = getAtt.indexOf('.');
      return { logicalId: getAtt.slice(0, dot), attribute: getAtt.slice(dot + 1) };
    }
  }
  if (only === STACK_REF) {
    const target = value[STACK_REF];
    const inner = typeof target?.stackId === 'string' ? referenceOf(target.value) : undefined;
    return inner ? { ...inner, stackId: inner.stackId ?? target.stackId } : undefined;
  }
  return undefined;
}

/** The key of an object that has exactly one, else undefined (for-in: template objects inherit no enumerable keys). */
function onlyKey(value: object): string | undefined {
  let only: string | undefined;
  let count = 0;
  for (const k in value) {
    if (count++ > 0) {
      return undefined;
    }
    only = k;
  }
  return only;
}

/** The model's key of a resource: `id:<stackId>/<logicalId>` (logical ids are alphanumeric, stack ids may hold `/`). */
export function resourceKey(stackId: string, logicalId: string): string {
  // The model builds and looks up the same keys over and over (every reference to a resource): one string per key,
  // made once, is hashed once. Bounded, as a long-lived process may read many apps; a cleared cache only costs time.
  let ofStack = keyCache.get(stackId);
  if (ofStack === undefined) {
    if (keyCache.size >= KEY_CACHE_STACKS) {
      keyCache.clear();
    }
    ofStack = new Map();
    keyCache.set(stackId, ofStack);
  }
  let key = ofStack.get(logicalId);
  if (key === undefined) {
    if (ofStack.size >= KEY_CACHE_IDS) {
      ofStack.clear();
    }
    key = `id:${stackId}/${logicalId}`;
    ofStack.set(logicalId, key);
  }
  return key;
}

const keyCache = new Map<string, Map<string, string>>();
const KEY_CACHE_STACKS = 4096;
const KEY_CACHE_IDS = 65536;

/**
 * Every resource a value refers to anywhere inside it, as resource keys: `Ref`, `Fn::GetAtt`, cross-stack values,
 * and the `${Name}` / `${Name.Attribute}` placeholders of an `Fn::Sub` (the usual way to write an ARN), except
 * pseudo parameters, `${!Literal}` and the names the `Fn::Sub`'s own variable map defines.
 */
export function referencedKeys(value: Json, stackId: string, into: Set<string> = new Set()): Set<string> {
  if (value === null || typeof value !== 'object') {
    return into;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      referencedKeys(item, stackId, into);
    }
    return into;
  }
  const ref = referenceOf(value);
  if (ref) {
    into.add(resourceKey(ref.stackId ?? stackId, ref.logicalId));
    return into;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === STACK_REF && typeof value[STACK_REF]?.stackId === 'string') {
    return referencedKeys(value[STACK_REF].value, value[STACK_REF].stackId, into);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Sub') {
    const sub = value['Fn::Sub'];
    const text = Array.isArray(sub) ? sub[0] : sub;
    const variables = Array.isArray(sub) && sub[1] && typeof sub[1] === 'object' ? sub[1] : {};
    if (typeof text === 'string') {
      for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const name = match[1].split('.')[0].trim();
        if (!name.startsWith('AWS::') && !Object.prototype.hasOwnProperty.call(variables, name)) {
          into.add(resourceKey(stackId, name));
        }
      }
    }
    return referencedKeys(Object.values(variables), stackId, into);
  }
  for (const child of Object.values(value)) {
    referencedKeys(child, stackId, into);
  }
  return into;
}

/** Every literal string inside a value (the pieces of an `Fn::Join`, for example). */
export function literalStrings(value: Json, into: string[] = []): string[] {
  if (typeof value === 'string') {
    into.push(value);
  } else if (Array.isArray(value)) {
    value.forEach((v) => literalStrings(v, into));
  } else if (value !== null && typeof value === 'object') {
    Object.values(value).forEach((v) => literalStrings(v, into));
  }
  return into;
}

/**
 * True when the value is a literal string: not an intrinsic, not an unresolved CDK token, and holding no
 * CloudFormation dynamic reference (`{{resolve:ssm:...}}`, `{{resolve:secretsmanager:...}}`), which CloudFormation
 * replaces at deploy time.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
 */
export function isLiteralString(value: Json): value is string {
  return typeof value === 'string' && !value.includes('${Token[') && !value.includes('{{resolve:');
}

/** True when the value is a literal number or a string of digits (CloudFormation accepts both). */
export function literalInteger(value: Json): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return value;
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

/** A short, stable description of a value for a message: the JSON of an intrinsic, the text of a literal. */
export function describeValue(value: Json): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === undefined) {
    return '(not set)';
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value[STACK_REF]?.stackId === 'string') {
    return `${describeValue(value[STACK_REF].value)} of stack ${value[STACK_REF].stackId}`;
  }
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
  } catch {
    return String(value);
  }
}

/** `describeValue`, with a literal string quoted (`'x'` reads as a value in a message, `x` as a word). */
export function quoteValue(value: Json): string {
  return typeof value === 'string' ? JSON.stringify(value) : describeValue(value);
}

/**
 * A key that identifies what a value points at: `id:<stackId>/<logicalId>` for a reference to a resource of the
 * app (see {@link resourceKey}), `literal:<text>` for a literal (an imported subnet id), `value:<json>` for anything
 * else. `stackId` is the stack the value is written in.
 */
export function targetKey(value: Json, stackId: string): string {
  const ref = referenceOf(value);
  if (ref) {
    return resourceKey(ref.stackId ?? stackId, ref.logicalId);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value[STACK_REF]?.stackId === 'string') {
    return targetKey(value[STACK_REF].value, value[STACK_REF].stackId);
  }
  if (isLiteralString(value)) {
    return `literal:${value}`;
  }
  return `value:${describeValue(value)}`;
}

/** How a message names what a key points at: the resource's path when it is modelled, else the key's text. */
export function describeKey(key: string, pathOf?: (key: string) => string | undefined): string {
  return pathOf?.(key) ?? key.replace(/^[a-z]+:/, '');
}

/** `IPv4` or `IPv6`, as messages write a family. */
export function familyText(family: IpFamily): string {
  return family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
}
