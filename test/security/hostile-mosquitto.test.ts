/**
 * A hostile client against a home on a Mosquitto of its own (a free port, the password file, ACL
 * and max_packet_size hanlab writes; never the machine's 1883): see hostile-cases.ts.
 */
import { mosquittoAvailable, startMosquitto } from '../../han/mosquitto.ts';
import { defineHostileCases } from './hostile-cases.ts';

const haveMosquitto = mosquittoAvailable();
if (!haveMosquitto) console.warn('security: the Mosquitto hostile-client tests are skipped: no mosquitto binary on PATH (or /usr/sbin, /usr/local/sbin)');

defineHostileCases('hostile client, Mosquitto', 'mosquitto', !haveMosquitto, async (identities) => {
  const broker = await startMosquitto({ identities });
  return { url: broker.url, refusals: [], close: () => broker.close() };
});
