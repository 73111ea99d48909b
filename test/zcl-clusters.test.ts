import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  attributeByName,
  attributeInfo,
  Basic,
  ClusterId,
  clusterName,
  CreditStatusBit,
  Metering,
  Prepayment,
  PrepaymentCommand,
  Price,
  priceDecimalPlaces,
  Time,
  TimeStatusBit,
  ZclDataType as T,
} from '../firmware/zcl/index.ts';

describe('ZCL cluster tables', () => {
  it('keeps literal ids and types so device code can use them as constants', () => {
    expectTypeOf(Metering.ReadingSnapshotTime.id).toEqualTypeOf<0x0007>();
    expectTypeOf(Metering.ReadingSnapshotTime.name).toEqualTypeOf<'ReadingSnapshotTime'>();
    expect(Metering.ReadingSnapshotTime).toEqual({ id: 0x0007, name: 'ReadingSnapshotTime', type: T.utcTime });
  });

  it('has the spec section 4 types for the SECMP0015 attributes', () => {
    expect(attributeInfo(ClusterId.metering, 0x0000)).toEqual({ id: 0, name: 'CurrentSummationDelivered', type: T.uint48 });
    expect(attributeInfo(ClusterId.metering, 0x0307)?.type).toBe(T.octetString);
    expect(attributeInfo(ClusterId.metering, 0x0703)?.name).toBe('CurrentNoTierBlock4SummationDelivered');
    expect(attributeInfo(ClusterId.prepayment, 0x0231)).toEqual({ id: 0x0231, name: 'DebtAmount3', type: T.uint32 });
    expect(attributeInfo(ClusterId.prepayment, 0x0001)?.type).toBe(T.int32);
    expect(attributeInfo(ClusterId.price, 0x0617)?.name).toBe('PriceTrailingDigit');
    expect(attributeInfo(ClusterId.time, 0x0000)).toEqual({ id: 0, name: 'Time', type: T.utcTime });
    expect(attributeInfo(ClusterId.basic, 0x0004)?.type).toBe(T.charString);
  });

  it('finds the global AttributeReportingStatus in any known cluster, and nothing in unknown ones', () => {
    expect(attributeInfo(ClusterId.prepayment, 0xfffe)?.name).toBe('AttributeReportingStatus');
    expect(attributeByName(ClusterId.price, 'AttributeReportingStatus')?.id).toBe(0xfffe);
    expect(attributeInfo(ClusterId.prepayment, 0x0007)).toBeUndefined();
    expect(attributeInfo(0x0b05, 0x0000)).toBeUndefined();
  });

  it('looks attributes up by name without matching inherited properties', () => {
    expect(attributeByName(ClusterId.metering, 'ReadingSnapshotTime')?.id).toBe(0x0007);
    expect(attributeByName(ClusterId.prepayment, 'IHDLowCreditWarning')).toEqual({ id: 0x0032, name: 'IHDLowCreditWarning', type: T.uint32 });
    expect(attributeByName(ClusterId.metering, 'toString')).toBeUndefined();
    expect(attributeByName(ClusterId.metering, 'CreditRemaining')).toBeUndefined();
  });

  it('has unique ids within each cluster and names equal to their keys', () => {
    for (const table of [Basic, Time, Price, Metering, Prepayment]) {
      const entries = Object.entries(table);
      expect(new Set(entries.map(([, a]) => a.id)).size).toBe(entries.length);
      for (const [key, a] of entries) expect(a.name).toBe(key);
    }
  });

  it('names clusters', () => {
    expect(clusterName(0x0702)).toBe('Metering');
    expect(clusterName(0x000a)).toBe('Time');
    expect(clusterName(0x0b05)).toBe('unknown(0x0B05)');
  });

  it('reads decimal places from PriceTrailingDigit bits 4-7', () => {
    expect(priceDecimalPlaces(0x50)).toBe(5);
    expect(priceDecimalPlaces(0x2f)).toBe(2);
  });

  it('has the bit and command values the devices rely on', () => {
    expect(CreditStatusBit.emergencyCreditInUse).toBe(0x20);
    expect(TimeStatusBit.synchronized).toBe(0x02);
    expect(PrepaymentCommand.ConsumerTopUp).toBe(0x04);
  });
});
