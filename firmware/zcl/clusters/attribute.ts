import { ZclDataType } from '../types.ts';
import type { ZclDataTypeId } from '../types.ts';

export interface AttributeInfo {
  readonly id: number;
  readonly name: string;
  readonly type: ZclDataTypeId;
}

type TypeName = keyof typeof ZclDataType;

/** `[id, type name]`: literals only, so an unused table is side-effect free and left out of a bundle. */
type AttributeSpec = readonly [id: number, type: TypeName];

/** A cluster's attributes keyed by their ZigBee names, each entry also carrying its name. */
export type AttributeTable<T extends Record<string, AttributeSpec>> = {
  readonly [K in keyof T]: { readonly id: T[K][0]; readonly name: K; readonly type: (typeof ZclDataType)[T[K][1]] };
};

/**
 * Builds a cluster's attribute table from `{ Name: [id, 'typeName'] }` so the name is written once
 * and `Metering.ReadingSnapshotTime.id` keeps its literal type. Calls carry a
 * `@__PURE__` annotation, so a bundle that never reads a table leaves it out.
 */
export function defineAttributes<const T extends Record<string, AttributeSpec>>(specs: T): AttributeTable<T> {
  const table: Record<string, AttributeInfo> = {};
  for (const name in specs) {
    if (!Object.prototype.hasOwnProperty.call(specs, name)) continue;
    const spec = specs[name]!;
    table[name] = { id: spec[0], name, type: ZclDataType[spec[1]] };
  }
  return table as AttributeTable<T>;
}
