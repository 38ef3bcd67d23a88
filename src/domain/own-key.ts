/**
 * The value a table holds under a key a user supplied (a URL segment, a query or form value), never one every
 * object inherits: `table['__proto__']` or `table['constructor']` would otherwise be found and then fail to
 * behave like an entry (a 500 that also tells a prober which names exist).
 */
export function ownValue<V>(table: Readonly<Partial<Record<string, V>>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}
