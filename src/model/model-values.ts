// Reading resolved CloudFormation values: references back to logical ids, and a fair description of anything
// that cannot be known at synth (imports, parameters, cross-stack references), so a rule can say exactly which
// value it could not verify instead of guessing.

/** Resolved template JSON (`Stack.resolve` output): literals, lists, objects and intrinsic functions. */
export type Json = any;

/** A `{ Ref }` or `{ Fn::GetAtt }` to a resource, by logical id. */
export interface ResourceReference {
  readonly logicalId: string;
  /** The attribute of a `Fn::GetAtt`; undefined for a `Ref`. */
  readonly attribute?: string;
}

/** The resource a value refers to, when the value is exactly a `Ref` or `Fn::GetAtt`. */
export function referenceOf(value: Json): ResourceReference | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return undefined;
  }
  if (keys[0] === 'Ref' && typeof value.Ref === 'string') {
    return { logicalId: value.Ref };
  }
  if (keys[0] === 'Fn::GetAtt') {
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
      return { logicalId: getAtt[0], attribute: typeof getAtt[1] === 'string' ? getAtt[1] : undefined };
    }
    if (typeof getAtt === 'string' && getAtt.includes('.')) {
      const dot = getAtt.indexOf('.');
      return { logicalId: getAtt.slice(0, dot), attribute: getAtt.slice(dot + 1) };
    }
  }
  return undefined;
}

/** Every logical id a value refers to anywhere inside it (`Ref`, `Fn::GetAtt`, `Fn::Sub` placeholders excluded). */
export function referencedLogicalIds(value: Json, into: Set<string> = new Set()): Set<string> {
  if (value === null || typeof value !== 'object') {
    return into;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      referencedLogicalIds(item, into);
    }
    return into;
  }
  const ref = referenceOf(value);
  if (ref) {
    into.add(ref.logicalId);
    return into;
  }
  for (const child of Object.values(value)) {
    referencedLogicalIds(child, into);
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

/** True when the value is a literal string (not an intrinsic, not an unresolved token). */
export function isLiteralString(value: Json): value is string {
  return typeof value === 'string' && !value.includes('${Token[');
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
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
  } catch {
    return String(value);
  }
}

/**
 * A key that identifies what a value points at: `id:<logicalId>` for a reference to a resource in the stack,
 * `literal:<text>` for a literal (an imported subnet id), `value:<json>` for anything else.
 */
export function targetKey(value: Json): string {
  const ref = referenceOf(value);
  if (ref) {
    return `id:${ref.logicalId}`;
  }
  if (isLiteralString(value)) {
    return `literal:${value}`;
  }
  return `value:${describeValue(value)}`;
}
