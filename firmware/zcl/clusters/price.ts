import { defineAttributes } from './attribute.ts';

export const PRICE_CLUSTER_ID = 0x0700;

/** Only the two attributes GB prepayment needs to scale money values. */
export const Price = /* @__PURE__ */ defineAttributes({
  Currency: [0x0616, 'uint16'],
  PriceTrailingDigit: [0x0617, 'bitmap8'],
});

/** ISO 4217 numeric code the GB meters use. */
export const CURRENCY_GBP = 826;

/** Decimal places of money values, from PriceTrailingDigit bits 4-7 (RTDS GCS14: 0x50 → 5). */
export function priceDecimalPlaces(priceTrailingDigit: number): number {
  return (priceTrailingDigit >> 4) & 0x0f;
}
