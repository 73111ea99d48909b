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
