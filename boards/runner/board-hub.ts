/**
 * The WAN side of a GPF running on a board here (`hanlab board run --device gpf`, a HIL DUT):
 * the GPF lives in the comms hub, so its board also terminates the hub's WAN topic and answers
 * GBCS commands with responses built by the protocol core. Keys are the simulation's seeded ones
 * for the config's seed and GSME, so a supplier (the HIL harness) with the same seed can MAC its
 * commands and check the responses. The WAN side logs in as `{eui}-WAN` with the config's secret.
 * Nothing here keeps a lockstep: work is not counted, and a
 * response that cannot be built is logged, not thrown.
 */
import type { Log } from '../../firmware/platform/index.ts';
import type { DeviceConfig } from '../../firmware/runtime/app.ts';
import type { BoardDeviceConfig } from '../config/device-config-schema.ts';
import type { RunningDevice } from '../../firmware/runtime/device-core.ts';
import { attachHubWan } from '../../sim/wan/hub.ts';
import type { HanBus } from '../../han/in-process-broker.ts';
import { simulatedWanCrypto } from '../../sim/wan/keys.ts';

/** The seed a board's WAN keys come from: the device's own (as deviceInput reads it). */
export const wanSeed = (c: DeviceConfig): number => c.seed || 1;

export function attachBoardWan(o: { url: HanBus; config: BoardDeviceConfig; gpf: RunningDevice; log: Log }): Promise<{ close(): Promise<void> }> {
  const gsme = o.config.peers.gsme;
  return attachHubWan({
    url: o.url,
    premises: o.config.premises,
    hubEui: o.config.eui,
    // The hub's one secret: its WAN side and its GPF are the same box (sim/wan/parties.ts).
    secret: o.config.secret,
    gpf: o.gpf,
    crypto: simulatedWanCrypto(wanSeed(o.config), gsme ? [gsme] : []),
    inFlight: { add() {}, done() {}, fail: (err) => o.log.warn(`WAN response not sent: ${err instanceof Error ? err.message : String(err)}`) },
    log: o.log,
  });
}
