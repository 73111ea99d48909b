/**
 * The harness as the supplier: GBCS service requests to the hub's WAN topic, MACed with the
 * simulation's seeded keys for the DUT's seed, and the responses as Parse & Correlate decodes
 * them. For a GPF DUT (the hub it lives in answers).
 */
import type { ParsedGbcs } from '../firmware/gbcs/parse.ts';
import type { GbcsUseCaseName } from '../firmware/gbcs/use-cases.ts';
import { simulatedWanCrypto } from '../sim/wan/keys.ts';
import { wanSeed } from '../boards/runner/board-hub.ts';
import { supplierClientId } from '../sim/wan/parties.ts';
import { startSupplier } from '../sim/wan/supplier.ts';
import { hilSecret } from './config.ts';
import { HilFailure, HilSkip } from './types.ts';
import type { HilContext } from './types.ts';

export interface HarnessSupplier {
  /** Sends one request; resolves with its response, decoded. */
  ask(useCase: GbcsUseCaseName, timeoutMs: number): Promise<ParsedGbcs>;
  close(): Promise<void>;
}

export async function connectHarnessSupplier(ctx: HilContext): Promise<HarnessSupplier> {
  const gsme = ctx.config.peers.gsme;
  if (!gsme) throw new HilFailure('the DUT config names no GSME peer: no device for the requests to be about');
  const crypto = simulatedWanCrypto(wanSeed(ctx.config), [gsme]);
  const responses: ParsedGbcs[] = [];
  let failure: Error | null = null;
  let wake: () => void = () => {};
  const supplier = await startSupplier({
    url: ctx.brokerUrl,
    premises: ctx.config.premises,
    hubEui: ctx.config.eui,
    deviceEui: gsme,
    crypto,
    password: hilSecret(ctx.config, supplierClientId(ctx.config.premises)),
    inFlight: { add() {}, done() {}, fail: (err) => (failure = err instanceof Error ? err : new Error(String(err))) },
    onCommand: () => {},
    onResponse: (p) => {
      responses.push(p);
      wake();
    },
  });
  return {
    async ask(useCase, timeoutMs) {
      const seen = responses.length;
      supplier.request(useCase);
      const deadline = ctx.time.now() + timeoutMs;
      for (;;) {
        if (failure) throw new HilFailure(`the ${useCase} response did not parse: ${(failure as Error).message}`);
        const r = responses.slice(seen).find((p) => p.useCase === useCase);
        if (r) return r;
        const left = deadline - ctx.time.now();
        if (left <= 0) {
          const why = `no ${useCase} response on wan/${ctx.config.premises}/${ctx.config.eui}/response within ${timeoutMs} ms${responses.length > seen ? ` (saw ${responses.slice(seen).map((p) => p.useCase).join(', ')})` : ''}`;
          // A flashed GPF has no hub WAN side on the harness's broker unless someone put one there.
          if (ctx.dut.target === 'mqtt' && responses.length === 0) throw new HilSkip(`${why}: this DUT answers no WAN commands here`);
          throw new HilFailure(why);
        }
        await ctx.time.wait(Math.min(left, 250), (w) => (wake = w));
      }
    },
    close: () => supplier.close(),
  };
}
