import { createConnection } from 'node:net';
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
 * Whether anything listens at the broker URL's host and port: a TCP connection, made before a
 * command starts its devices, so `sim --broker`, `board run` and `hil --dut mqtt://…` all say
 * "no MQTT broker" in the same words, at once when refused, after 5 s when nothing answers.
 * (Whether it is an MQTT broker that holds the run's accounts is for the MQTT login to tell.)
 */
export async function checkBrokerAnswers(flag: string, url: string, waitMs = BROKER_WAIT_MS): Promise<void> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  const problem = await new Promise<string | null>((resolve) => {
    const socket = createConnection({ host, port: Number(port) });
    const done = (why: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(`nothing answered within ${waitMs / 1000} s`), waitMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const words: Record<string, string> = { ECONNREFUSED: 'connection refused', ENOTFOUND: 'unknown host', EAI_AGAIN: 'unknown host', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable' };
      done(words[err.code ?? ''] ?? err.code ?? err.message);
    });
  });
  if (problem !== null) throw new UsageError(`${flag}: no MQTT broker at ${url} (${problem})`);
}
