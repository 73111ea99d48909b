/**
 * The homes of a run: the scenario as written and, with `compare`, one per firmware combination.
 * They share one broker, so each comparison home has premises and EUIs of its own.
 */
import type { Scenario } from '../scenario/schema.ts';
import { compareVariants } from '../scenario/schema.ts';
import { utrnForMeter } from '../wan/utrn-issuer.ts';

export interface HomeVariant {
  /** The row label in the summary ('scenario' for the scenario as written). */
  label: string;
  scenario: Scenario;
  premises: string;
}

export function homeVariants(scenario: Scenario): HomeVariant[] {
  const compared = scenario.compare ? compareVariants(scenario) : [];
  return [
    { label: 'scenario', scenario, premises: scenario.premises },
    ...compared.map((v, i) => ({ label: v.label, scenario: withHomeEuis(v.scenario, i + 1), premises: `${scenario.premises}-${firmwareName(v.scenario)}` })),
  ];
}

/**
 * What a comparison home runs, as a premises suffix one can read in a topic or broker account:
 * its legacy devices and a SECMP0015 PPMID without the change-time fallback ('legacy-gsme-legacy-gpf',
 * 'no-fallback'); 'secmp0015' when it is all SECMP0015 with the fallback on. Named from the firmware
 * alone, not from how it differs from the scenario's own home, so a name means the same in every
 * scenario; one name per combination, lower-case words and hyphens like any premises.
 */
export function firmwareName(s: Scenario): string {
  const d = s.devices;
  const parts = (['gsme', 'gpf', 'ppmid'] as const).filter((role) => d[role].firmware === 'legacy').map((role) => `legacy-${role}`);
  if (d.ppmid.firmware === 'secmp0015' && !d.ppmid.changeTimeFallback) parts.push('no-fallback');
  return parts.length === 0 ? 'secmp0015' : parts.join('-');
}

/**
 * An MQTT client id (= the EUI) can be connected only once: home n's devices take EUIs whose
 * bytes 5–6 are n (the manufacturer prefix and the device byte stay recognisable).
 */
function withHomeEuis(s: Scenario, n: number): Scenario {
  const eui = (e: string) => e.slice(0, 10) + n.toString(16).toUpperCase().padStart(4, '0') + e.slice(14);
  const d = s.devices;
  const gsme = eui(d.gsme.eui);
  // A literal code was written for the scenario's meter: this home's meter gets the same code made for it.
  const topUps = s.topUps.map((u) => (u.utrn === undefined ? u : { ...u, utrn: utrnForMeter(u.utrn, s.seed, d.gsme.eui, gsme) }));
  return { ...s, topUps, devices: { gsme: { ...d.gsme, eui: gsme }, gpf: { ...d.gpf, eui: eui(d.gpf.eui) }, ppmid: { ...d.ppmid, eui: eui(d.ppmid.eui) } } };
}
