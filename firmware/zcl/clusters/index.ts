import { hex4 } from '../../codec/hex.ts';
import type { AttributeInfo } from './attribute.ts';
import { Basic } from './basic.ts';
import { Metering } from './metering.ts';
import { Prepayment } from './prepayment.ts';
import { Price } from './price.ts';
import { Time } from './time.ts';

export type { AttributeInfo, AttributeTable } from './attribute.ts';
export { Basic, BASIC_CLUSTER_ID, PowerSource } from './basic.ts';
export { Time, TIME_CLUSTER_ID, TimeStatusBit } from './time.ts';
export { Price, PRICE_CLUSTER_ID, CURRENCY_GBP, priceDecimalPlaces } from './price.ts';
export { Metering, METERING_CLUSTER_ID, SupplyStatus, MeteringStatusBit, UnitOfMeasure, MeteringDeviceType, AttributeReportingStatus } from './metering.ts';
export { Prepayment, PREPAYMENT_CLUSTER_ID, CreditStatusBit, PrepaymentCommand, PrepaymentServerCommand } from './prepayment.ts';

export const ClusterId = {
  basic: 0x0000,
  time: 0x000a,
  price: 0x0700,
  metering: 0x0702,
  prepayment: 0x0705,
} as const;

export type ClusterIdValue = (typeof ClusterId)[keyof typeof ClusterId];

interface ClusterInfo {
  name: string;
  attributes: Readonly<Record<string, AttributeInfo>>;
}

/** Keyed by ClusterId; a function, so a bundle that names no cluster leaves the tables out. */
function cluster(id: number): ClusterInfo | undefined {
  switch (id) {
    case ClusterId.basic:
      return { name: 'Basic', attributes: Basic };
    case ClusterId.time:
      return { name: 'Time', attributes: Time };
    case ClusterId.price:
      return { name: 'Price', attributes: Price };
    case ClusterId.metering:
      return { name: 'Metering', attributes: Metering };
    case ClusterId.prepayment:
      return { name: 'Prepayment', attributes: Prepayment };
  }
  return undefined;
}

/**
 * ZCL global attributes exist in every cluster; AttributeReportingStatus ends a GSME report
 * burst on whichever cluster it reports last.
 */
const GLOBAL_ATTRIBUTES: readonly AttributeInfo[] = [
  // Type ids as literals (ZclDataType.uint16, .enum8): property reads would keep this in bundles that never use it.
  { id: 0xfffd, name: 'ClusterRevision', type: 0x21 },
  { id: 0xfffe, name: 'AttributeReportingStatus', type: 0x30 },
];

export function clusterName(id: number): string {
  const c = cluster(id);
  return c ? c.name : 'unknown(' + hex4(id) + ')';
}

/** The attribute's name and type in a known cluster, or undefined. */
export function attributeInfo(clusterId: number, attributeId: number): AttributeInfo | undefined {
  const c = cluster(clusterId);
  if (!c) return undefined;
  for (const name in c.attributes) if (hasOwn(c.attributes, name) && c.attributes[name]!.id === attributeId) return c.attributes[name];
  for (const info of GLOBAL_ATTRIBUTES) if (info.id === attributeId) return info;
  return undefined;
}

export function attributeByName(clusterId: number, name: string): AttributeInfo | undefined {
  const c = cluster(clusterId);
  if (!c) return undefined;
  if (hasOwn(c.attributes, name)) return c.attributes[name];
  for (const info of GLOBAL_ATTRIBUTES) if (info.name === name) return info;
  return undefined;
}

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}
