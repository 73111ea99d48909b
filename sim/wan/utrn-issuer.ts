/**
 * The supplier's UTRN issuer (docs/decisions.md "UTRN"): each meter's top-up key, and top-up
 * codes for it with a counter that goes up by one per code (per meter).
 *
 * In the simulator a meter's key is derived from the run's seed and the meter's EUI
 * (`simulatedTopUpKey`, like the HAN secrets of han/identities.ts): runs stay reproducible and
 * need no key files. Test keys: anyone who knows the seed knows them.
 */
import { createHmac } from 'node:crypto';
import { euiBytes, issueUtrn, meterTag, normaliseUtrn, topUpKeyBytes, utrnBytesToDigits, utrnDigitsToBytes, utrnFieldsOf, utrnMac, UTRN_MAX_COUNTER, UTRN_MAX_PENCE } from '../../firmware/codec/utrn.ts';

/** The simulator's top-up key of the meter `eui` in runs with `seed`: 32 lower-case hex digits. */
export function simulatedTopUpKey(seed: number, eui: string): string {
  const key = createHmac('sha256', 'hanlab simulated top-up key v1').update(String(seed)).digest();
  return createHmac('sha256', key).update(eui.toUpperCase()).digest('hex').slice(0, 32);
}

export interface UtrnIssuer {
  /** A new UTRN for `eui` of `pounds` (to the penny): the next counter of that meter. */
  issue(eui: string, pounds: number): string;
  /** The last counter issued for `eui` (0: none yet). */
  lastCounter(eui: string): number;
}

/** `keyFor(eui)`: the meter's top-up key (32 hex digits). Counters start at `firstCounter` (default 1). */
export function createUtrnIssuer(keyFor: (eui: string) => string, firstCounter = 1): UtrnIssuer {
  const counters = new Map<string, number>();
  return {
    issue(eui, pounds) {
      const pence = Math.round(pounds * 100);
      if (!(pence >= 1 && pence <= UTRN_MAX_PENCE)) throw new Error(`a UTRN carries £0.01 to £${(UTRN_MAX_PENCE / 100).toFixed(2)}, not £${pounds}`);
      const counter = (counters.get(eui) ?? firstCounter - 1) + 1;
      if (counter > UTRN_MAX_COUNTER) throw new Error(`meter ${eui} has used all ${UTRN_MAX_COUNTER} UTRN counters`);
      counters.set(eui, counter);
      const key = topUpKeyBytes(keyFor(eui));
      const id = euiBytes(eui.toUpperCase());
      if (key === null) throw new Error(`top-up key of ${eui} is not 32 hex digits`);
      if (id === null) throw new Error(`EUI ${eui} is not 16 hex digits`);
      return issueUtrn(key, id, counter, pence);
    },
    lastCounter: (eui) => counters.get(eui) ?? 0,
  };
}

/**
 * A literal code written for meter `from`, as the same code would be for meter `to` (a comparison
 * home's meter, with its own EUI and key): same version, counter and amount; the tag and the MAC
 * moved by what separates the two meters. A genuine code stays genuine, a forged MAC stays wrong
 * by the same bits, another meter's tag stays another meter's, so each home refuses or applies it
 * for the same reason. Text that is not a 66-bit UTRN is kept as written.
 */
export function utrnForMeter(code: string, seed: number, from: string, to: string): string {
  const digits = normaliseUtrn(code);
  const bytes = digits === null ? null : utrnDigitsToBytes(digits);
  const fromKey = topUpKeyBytes(simulatedTopUpKey(seed, from));
  const toKey = topUpKeyBytes(simulatedTopUpKey(seed, to));
  const fromEui = euiBytes(from.toUpperCase());
  const toEui = euiBytes(to.toUpperCase());
  if (bytes === null || !fromKey || !toKey || !fromEui || !toEui) return code;
  const f = utrnFieldsOf(bytes);
  const g = { ...f, tag: f.tag ^ meterTag(fromEui) ^ meterTag(toEui) };
  const mac = f.mac ^ utrnMac(fromKey, fromEui, f) ^ utrnMac(toKey, toEui, g);
  return utrnBytesToDigits(Uint8Array.of(bytes[0]!, g.tag, bytes[2]!, bytes[3]!, bytes[4]!, bytes[5]!, (mac >> 16) & 0xff, (mac >> 8) & 0xff, mac & 0xff));
}
