import type { Document, UpdateFilter } from 'mongodb';

/** A record as stored: its key field renamed `_id`. */
export type WithMongoId<T> = T & { _id: string };

/** Moves a record's key field to `_id`. */
export function toDoc<T extends object, K extends keyof T & string>(record: T, key: K): WithMongoId<Omit<T, K>> {
  const { [key]: id, ...rest } = record;
  return { _id: id as string, ...(dropUndefined(rest) as Omit<T, K>) };
}

/** Moves `_id` back to the record's key field. */
export function fromDoc<T extends object, K extends string>(
  doc: (T & { _id: string }) | null,
  key: K,
): (Omit<T, '_id'> & Record<K, string>) | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { [key]: _id, ...rest } as Omit<T, '_id'> & Record<K, string>;
}

/** `$set` for defined fields, `$unset` for fields explicitly set to undefined. */
export function unsetUndefined<T extends object>(patch: T): UpdateFilter<Document> {
  const $set: Document = {};
  const $unset: Document = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) $unset[field] = '';
    else $set[field] = value;
  }
  return {
    ...(Object.keys($set).length ? { $set } : {}),
    ...(Object.keys($unset).length ? { $unset } : {}),
  };
}

/** The record without its undefined fields (the driver would store them as null). */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
