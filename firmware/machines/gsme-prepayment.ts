import { CreditStatusBit, SupplyStatus } from '../zcl/index.ts';
import type { LogEmitted } from './han-events.ts';
import { DAY_MS, moneyPerPenny, moneyPerPound } from './gsme-config.ts';
import type { GsmeConfig } from './gsme-config.ts';

/**
 * The GSME's prepayment truth (spec sections 2 and 4): all money in the meter's money unit
 * (PriceTrailingDigit 0x50: £1 = 100000), integers.
 *
 * hanlab readings (docs/decisions.md):
 * - Charges (gas cost and standing charge) are taken from credit, then from emergency credit if
 *   EC is selected; what neither covers (the overshoot of the last minute, standing charge while
 *   the supply is off) becomes AccumulatedDebt. Credit never goes below zero.
 * - EC is available when EC is enabled (limit > 0), not selected, has a balance and credit is at or
 *   below `emergencyCreditThreshold` (0 by default: at zero credit).
 * - The supply turns off (SupplyStatus 0) as soon as there is no usable money: credit 0 and no
 *   selected EC with a balance. Usable money appearing (top-up, EC activation) while it is off
 *   arms it (1); only the customer at the meter turns an armed supply on (2): gas valves are not
 *   opened remotely.
 * - A top-up repays the EC used first, then (with debtRecovery 'fromTopUp') AccumulatedDebt, then
 *   adds to credit. EC fully repaid ends its selection.
 */
export interface PrepaymentState {
  credit: number;
  /** EmergencyCreditRemaining. */
  ec: number;
  ecSelected: boolean;
  /** AccumulatedDebt. */
  debt: number;
  supply: number;
  /** Standing charge accrued but below one money unit, in money unit × ms / day. */
  standingCarry: number;
  /** Gas cost below one money unit. */
  costResidue: number;
}

export function initialPrepayment(config: GsmeConfig): PrepaymentState {
  const p: PrepaymentState = {
    credit: Math.max(0, Math.round(config.initialCredit)),
    ec: config.emergencyCreditLimit,
    ecSelected: false,
    debt: config.initialDebt,
    supply: SupplyStatus.on,
    standingCarry: 0,
    costResidue: 0,
  };
  if (config.paymentMode !== 'prepayment') return p;
  // A meter commissioned without credit starts off, as it would after running out.
  return hasUsableMoney(p) ? p : { ...p, supply: SupplyStatus.off };
}

export function hasUsableMoney(p: PrepaymentState): boolean {
  return p.credit > 0 || (p.ecSelected && p.ec > 0);
}

export function isEcAvailable(config: GsmeConfig, p: PrepaymentState): boolean {
  return config.emergencyCreditLimit > 0 && !p.ecSelected && p.ec > 0 && p.credit <= config.emergencyCreditThreshold;
}

/** CreditStatus 0x0705/0x0003 (spec section 4 bits). */
export function creditStatus(config: GsmeConfig, p: PrepaymentState): number {
  let s = 0;
  if (p.credit > 0 && p.credit >= config.lowCreditThreshold) s |= CreditStatusBit.creditOk;
  if (p.credit > 0 && p.credit < config.lowCreditThreshold) s |= CreditStatusBit.lowCredit;
  if (config.emergencyCreditLimit > 0) s |= CreditStatusBit.emergencyCreditEnabled;
  if (isEcAvailable(config, p)) s |= CreditStatusBit.emergencyCreditAvailable;
  if (p.ecSelected) s |= CreditStatusBit.emergencyCreditSelected;
  if (p.ecSelected && p.credit === 0 && p.ec > 0) s |= CreditStatusBit.emergencyCreditInUse;
  if (!hasUsableMoney(p)) s |= CreditStatusBit.creditExhausted;
  return s;
}

export const CREDIT_STATUS_NAMES: readonly [number, string][] = [
  [CreditStatusBit.creditOk, 'creditOk'],
  [CreditStatusBit.lowCredit, 'lowCredit'],
  [CreditStatusBit.emergencyCreditEnabled, 'ecEnabled'],
  [CreditStatusBit.emergencyCreditAvailable, 'ecAvailable'],
  [CreditStatusBit.emergencyCreditSelected, 'ecSelected'],
  [CreditStatusBit.emergencyCreditInUse, 'ecInUse'],
  [CreditStatusBit.creditExhausted, 'creditExhausted'],
];

export function creditStatusNames(status: number): string[] {
  return CREDIT_STATUS_NAMES.filter(([bit]) => (status & bit) !== 0).map(([, name]) => name);
}

/** Supply follows the money: off without usable money, armed (never on) when money returns. */
export function settleSupply(p: PrepaymentState): PrepaymentState {
  const usable = hasUsableMoney(p);
  if (!usable && p.supply !== SupplyStatus.off) return { ...p, supply: SupplyStatus.off };
  if (usable && p.supply === SupplyStatus.off) return { ...p, supply: SupplyStatus.armed };
  return p;
}

/** Takes `amount` from credit, then selected EC, the rest to AccumulatedDebt; then settles the supply. */
export function charge(p: PrepaymentState, amount: number): PrepaymentState {
  if (amount <= 0) return p;
  const fromCredit = Math.min(p.credit, amount);
  let rest = amount - fromCredit;
  const fromEc = p.ecSelected ? Math.min(p.ec, rest) : 0;
  rest -= fromEc;
  return settleSupply({ ...p, credit: p.credit - fromCredit, ec: p.ec - fromEc, debt: p.debt + rest });
}

/** Gas cost of `kwh` in whole money units; the fraction carries to the next flow. */
export function gasCost(config: GsmeConfig, p: PrepaymentState, kwh: number): { cost: number; costResidue: number } {
  const exact = kwh * config.unitPricePencePerKwh * moneyPerPenny(config.priceTrailingDigit) + p.costResidue;
  const cost = Math.floor(exact + 1e-9);
  return { cost, costResidue: Math.max(0, exact - cost) };
}

/** Standing charge accrued over `elapsedMs` in whole money units; the fraction carries. */
export function standingCharge(config: GsmeConfig, p: PrepaymentState, elapsedMs: number): { cost: number; standingCarry: number } {
  const perDay = Math.round(config.standingChargePencePerDay * moneyPerPenny(config.priceTrailingDigit));
  const carry = p.standingCarry + perDay * Math.max(0, elapsedMs);
  const cost = Math.floor(carry / DAY_MS);
  return { cost, standingCarry: carry - cost * DAY_MS };
}

export function selectEmergencyCredit(config: GsmeConfig, p: PrepaymentState): { state: PrepaymentState; accepted: boolean } {
  if (config.paymentMode !== 'prepayment' || !isEcAvailable(config, p)) return { state: p, accepted: false };
  return { state: settleSupply({ ...p, ecSelected: true }), accepted: true };
}

export function topUp(config: GsmeConfig, p: PrepaymentState, amount: number): PrepaymentState {
  const ecUsed = Math.max(0, config.emergencyCreditLimit - p.ec);
  const repayEc = Math.min(amount, ecUsed);
  let rest = amount - repayEc;
  let debt = p.debt;
  if (config.debtRecovery === 'fromTopUp') {
    const repayDebt = Math.min(rest, Math.max(0, debt));
    debt -= repayDebt;
    rest -= repayDebt;
  }
  const ec = p.ec + repayEc;
  const ecSelected = p.ecSelected && ec < config.emergencyCreditLimit;
  return settleSupply({ ...p, ec, ecSelected, debt, credit: p.credit + rest });
}

/** The customer's "enable supply" at the meter: armed → on; otherwise nothing. */
export function enableSupply(p: PrepaymentState): { state: PrepaymentState; accepted: boolean } {
  if (p.supply !== SupplyStatus.armed) return { state: p, accepted: false };
  return { state: { ...p, supply: SupplyStatus.on }, accepted: true };
}

export function toPounds(config: GsmeConfig, money: number): number {
  return money / moneyPerPound(config.priceTrailingDigit);
}

/** Warnings and notices for what a step changed (the meter's own display would show these). */
export function describePrepaymentChange(config: GsmeConfig, before: PrepaymentState, after: PrepaymentState): LogEmitted[] {
  if (config.paymentMode !== 'prepayment') return [];
  const out: LogEmitted[] = [];
  const sb = creditStatus(config, before);
  const sa = creditStatus(config, after);
  const rose = (bit: number): boolean => (sa & bit) !== 0 && (sb & bit) === 0;
  const data = { creditGbp: toPounds(config, after.credit), emergencyCreditGbp: toPounds(config, after.ec) };
  if (rose(CreditStatusBit.lowCredit)) out.push({ type: 'log', level: 'warn', message: 'low credit', data });
  if (rose(CreditStatusBit.emergencyCreditAvailable)) out.push({ type: 'log', level: 'info', message: 'emergency credit available', data });
  if (rose(CreditStatusBit.emergencyCreditInUse)) out.push({ type: 'log', level: 'warn', message: 'emergency credit in use', data });
  if (before.ecSelected && before.ec > 0 && after.ecSelected && after.ec === 0) out.push({ type: 'log', level: 'warn', message: 'emergency credit exhausted', data });
  if (after.supply !== before.supply) {
    if (after.supply === SupplyStatus.off) out.push({ type: 'log', level: 'warn', message: 'supply disabled: credit exhausted', data });
    else if (after.supply === SupplyStatus.armed) out.push({ type: 'log', level: 'info', message: 'supply armed: press the button on the meter to restore gas', data });
    else out.push({ type: 'log', level: 'info', message: 'supply enabled', data });
  }
  return out;
}
