// Safe access to objects parsed from untrusted templates: own keys only, and `__proto__` is a key like any other.
import { Json } from './types';

/**
 * A value that is one intrinsic function (`Ref`, `Fn::...`) or a value the reader carried from another stack
 * (`LayeredDefense::StackRef`): known only at deploy time.
 */
export function isIntrinsic(value: Json): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0].startsWith('LayeredDefense::'));
}

export const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

export const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** `o[k] = v`, except that a key named `__proto__` becomes a property instead of replacing the prototype. */
export function setKey(o: Record<string, Json>, k: string, v: Json): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
