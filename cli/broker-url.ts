import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { z } from 'zod';
import { UsageError } from './usage.ts';

/**
 * mqtt://HOST:PORT (or mqtts://), the port 1…65535. Port 0 is refused: to a listener it means
 * "any port", but a client connecting to it waits forever; above 65535 Node throws its own
 * message instead of ours.
 */
const brokerUrl = z
  .string()
  .regex(/^mqtts?:\/\/[^/:]+:\d{1,5}$/, { error: 'mqtt://HOST:PORT' })
  .refine((url) => {
    const port = Number(url.slice(url.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, { error: 'port' });

/** `url` as given to `flag`, checked; a bad one is a UsageError naming the flag and what was found. */
export function checkBrokerUrl(flag: string, url: string): string {
  const parsed = brokerUrl.safeParse(url);
  if (parsed.success) return url;
  if (parsed.error.issues[0]?.message === 'port') {
    throw new UsageError(`${flag}: expected a port from 1 to 65535, found ${url.slice(url.lastIndexOf(':') + 1)} in "${url}"`);
  }
  throw new UsageError(`${flag}: expected mqtt://HOST:PORT, found "${url}"`);
}

/** How long every command waits for a broker to answer before saying there is none. */
export const BROKER_WAIT_MS = 5000;

/**
 * Whether an MQTT broker answers at the URL: a TCP (or TLS) connection and an MQTT 3.1.1 CONNECT
 * with a throw-away client id, made before a command starts its devices, so `sim --broker`,
 * `board run` and `hil --dut mqtt://…` all say "no MQTT broker" in the same words: at once when
 * refused, after 5 s when nothing answers. Any CONNACK counts, a refused login too: whether the
 * broker holds the run's accounts is for the devices' own logins to tell. (A bare TCP connect is
 * not enough: a firewall or proxy may accept every connection and never answer.)
 */
export async function checkBrokerAnswers(flag: string, url: string, waitMs = BROKER_WAIT_MS): Promise<void> {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  const problem = await new Promise<string | null>((resolve) => {
    const socket: Socket = protocol === 'mqtts:' ? tlsConnect({ host, port: Number(port), servername: host }) : createConnection({ host, port: Number(port) });
    const done = (why: string | null) => {
      clearTimeout(timer);
      if (why === null) socket.end(Buffer.from([0xe0, 0x00])); // DISCONNECT
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(`nothing answered within ${waitMs / 1000} s`), waitMs);
    socket.once(protocol === 'mqtts:' ? 'secureConnect' : 'connect', () => socket.write(connectPacket(`hanlab-probe-${process.pid}`)));
    socket.once('data', (data: Buffer) => done(data[0] === 0x20 ? null : 'it answered, but not as an MQTT broker'));
    socket.once('close', () => done('it closed the connection without answering'));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const words: Record<string, string> = { ECONNREFUSED: 'connection refused', ENOTFOUND: 'unknown host', EAI_AGAIN: 'unknown host', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable', ECONNRESET: 'connection reset' };
      done(words[err.code ?? ''] ?? err.code ?? err.message);
    });
  });
  if (problem !== null) throw new UsageError(`${flag}: no MQTT broker at ${url} (${problem})`);
}

/** MQTT 3.1.1 CONNECT: clean session, keep-alive 60 s, no login. */
function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const body = Buffer.concat([Buffer.from([0x00, 0x04]), Buffer.from('MQTT'), Buffer.from([0x04, 0x02, 0x00, 0x3c, id.length >> 8, id.length & 0xff]), id]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}
