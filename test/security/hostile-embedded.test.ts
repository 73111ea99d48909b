/** A hostile client against a home on the embedded broker (Aedes): see hostile-cases.ts. */
import { startEmbeddedBroker } from '../../han/embedded-broker.ts';
import type { Refusal } from '../../han/embedded-broker.ts';
import { defineHostileCases } from './hostile-cases.ts';

defineHostileCases('hostile client, embedded broker', 'embedded', false, async (identities) => {
  const refusals: Refusal[] = [];
  const broker = await startEmbeddedBroker({ identities, onRefused: (r) => refusals.push(r) });
  return { url: broker.url, refusals, close: () => broker.close() };
});
