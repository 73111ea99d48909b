/**
 * A NATS connection for fleet coordination (nats.js): URLs as `nats://[USER:PASS@]HOST:PORT`,
 * comma-separated for a cluster, the login taken from the first URL that has one (nats.js wants
 * it apart from the server list).
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';

export type { NatsConnection };

export class NatsUrlError extends Error {
  override readonly name = 'NatsUrlError';
}

export interface NatsTarget {
  servers: string[];
  user?: string;
  pass?: string;
}

export function parseNatsUrls(text: string): NatsTarget {
  const servers: string[] = [];
  let user: string | undefined;
  let pass: string | undefined;
  for (const part of text.split(',')) {
    let u: URL;
    try {
      u = new URL(part.trim());
    } catch {
      throw new NatsUrlError(`expected nats://[USER:PASS@]HOST:PORT (comma-separated for several), found "${part}"`);
    }
    if (u.protocol !== 'nats:' || u.hostname === '' || u.port === '' || (u.pathname !== '' && u.pathname !== '/')) {
      throw new NatsUrlError(`expected nats://[USER:PASS@]HOST:PORT (comma-separated for several), found "${part}"`);
    }
    if (u.username !== '' && user === undefined) {
      user = decodeURIComponent(u.username);
      pass = decodeURIComponent(u.password);
    }
    servers.push(`nats://${u.host}`);
  }
  return { servers, ...(user !== undefined ? { user, pass: pass ?? '' } : {}) };
}

/** Connected, or an error naming the servers tried. */
export async function connectNats(target: NatsTarget, name: string, timeoutMs = 5000): Promise<NatsConnection> {
  try {
    return await connect({ servers: target.servers, name, timeout: timeoutMs, ...(target.user !== undefined ? { user: target.user, pass: target.pass ?? '' } : {}), maxReconnectAttempts: -1 });
  } catch (err) {
    throw new Error(`cannot reach NATS at ${target.servers.join(', ')}: ${(err as Error).message}`);
  }
}
