/**
 * A constant table looked up by text from templates or props: a copy without a prototype, so that a key such as
 * `constructor` or `toString` finds nothing instead of one of Object's methods.
 */
export function lookupTable<T extends object>(entries: T): Readonly<T> {
  return Object.freeze(Object.assign(Object.create(null) as T, entries));
}
