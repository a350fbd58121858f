/**
 * `record[key]` for a key that comes from the user's file: only own properties count, so keys such as
 * `__proto__` or `constructor` never reach Object.prototype.
 */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
