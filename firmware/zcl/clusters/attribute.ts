import type { ZclDataTypeId } from '../types.ts';

export interface AttributeInfo {
  readonly id: number;
  readonly name: string;
  readonly type: ZclDataTypeId;
}

type AttributeSpec = { readonly id: number; readonly type: ZclDataTypeId };

/** A cluster's attributes keyed by their ZigBee names, each entry also carrying its name. */
export type AttributeTable<T extends Record<string, AttributeSpec>> = {
  readonly [K in keyof T]: T[K] & { readonly name: K };
};

/**
 * Builds a cluster's attribute table from `{ Name: { id, type } }` so the name is written once
 * and `Metering.ReadingSnapshotTime.id` keeps its literal type.
 */
export function defineAttributes<const T extends Record<string, AttributeSpec>>(specs: T): AttributeTable<T> {
  const table: Record<string, AttributeInfo> = {};
  for (const [name, spec] of Object.entries(specs)) table[name] = Object.freeze({ id: spec.id, name, type: spec.type });
  return Object.freeze(table) as AttributeTable<T>;
}
