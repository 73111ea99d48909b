import { hex4 } from '../../codec/hex.ts';
import { ZclDataType } from '../types.ts';
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
export { Prepayment, PREPAYMENT_CLUSTER_ID, CreditStatusBit, PrepaymentCommand } from './prepayment.ts';

export const ClusterId = {
  basic: 0x0000,
  time: 0x000a,
  price: 0x0700,
  metering: 0x0702,
  prepayment: 0x0705,
} as const;

export type ClusterIdValue = (typeof ClusterId)[keyof typeof ClusterId];

const CLUSTERS = new Map<number, { name: string; attributes: Readonly<Record<string, AttributeInfo>> }>([
  [ClusterId.basic, { name: 'Basic', attributes: Basic }],
  [ClusterId.time, { name: 'Time', attributes: Time }],
  [ClusterId.price, { name: 'Price', attributes: Price }],
  [ClusterId.metering, { name: 'Metering', attributes: Metering }],
  [ClusterId.prepayment, { name: 'Prepayment', attributes: Prepayment }],
]);

/**
 * ZCL global attributes exist in every cluster; AttributeReportingStatus ends a GSME report
 * burst on whichever cluster it reports last.
 */
const GLOBAL_ATTRIBUTES: readonly AttributeInfo[] = [
  { id: 0xfffd, name: 'ClusterRevision', type: ZclDataType.uint16 },
  { id: 0xfffe, name: 'AttributeReportingStatus', type: ZclDataType.enum8 },
];

export function clusterName(id: number): string {
  return CLUSTERS.get(id)?.name ?? `unknown(${hex4(id)})`;
}

/** The attribute's name and type in a known cluster, or undefined. */
export function attributeInfo(clusterId: number, attributeId: number): AttributeInfo | undefined {
  const cluster = CLUSTERS.get(clusterId);
  if (!cluster) return undefined;
  for (const info of Object.values(cluster.attributes)) if (info.id === attributeId) return info;
  return GLOBAL_ATTRIBUTES.find((info) => info.id === attributeId);
}

export function attributeByName(clusterId: number, name: string): AttributeInfo | undefined {
  const cluster = CLUSTERS.get(clusterId);
  if (!cluster) return undefined;
  return (Object.hasOwn(cluster.attributes, name) ? cluster.attributes[name] : undefined) ?? GLOBAL_ATTRIBUTES.find((info) => info.name === name);
}
