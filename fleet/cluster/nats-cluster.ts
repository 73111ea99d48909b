/**
 * A local NATS cluster for fleets (issue 16): N `nats-server` processes (Debian's, MQTT 3.1.1 over
 * JetStream) on free ports of one host, each with a client, cluster (route), MQTT and HTTP
 * monitoring port, routed to one another, JetStream on, and the HAN identity registry
 * (han/identities.ts) as NATS users whose permissions are the HAN ACL's filters in NATS
 * subjects (natsSubjects). Started detached, so `hanlab cluster up` returns and the cluster stays;
 * `hanlab cluster down` stops the PIDs written to DIR/cluster.json.
 *
 * DIR holds per node `nN.conf` (mode 0600: it holds the secrets), `nN.log`, `nN.pid` and the
 * JetStream store `nN-js/`, and `cluster.json` (the ports, PIDs and URLs; mode 0600: it holds the
 * admin password). Never the machine's own NATS: every port is a free one chosen here, never
 * 4222/6222/8222/1883.
 *
 * What the NATS ACL can and cannot say, next to the embedded broker's rules (broker-rules.ts):
 * - a device publishes only `han.*.*.{eui}.>` and its `hanlab.{premises}.{name}.>`, subscribes
 *   only `han.*.{eui}.>`: the same as Mosquitto's per-user ACL; a refused publish is dropped by
 *   the server (the connection stays), a refused subscription gets SUBACK 0x80;
 * - NATS does not tie the MQTT client id to the username (Mosquitto's
 *   use_username_as_clientid): an account holder could take over another device's session by
 *   connecting with its client id (it still could not publish as it: permissions follow the
 *   user). Devices connect with client id = EUI as everywhere else;
 * - nats-server 2.9 refuses a topic level containing `.` (it is NATS's separator): names with a
 *   dot cannot be put in the ACL and are refused here (natsSubjects throws).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants as fsConstants, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import type { IdentityRegistry } from '../../han/identities.ts';
import { freePort } from '../../han/mosquitto.ts';
import { PACKET_MAX_BYTES } from '../../firmware/platform/han-limits.ts';

export const NATS_SERVER_CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];
/** The well-known NATS/MQTT ports: a machine's own servers live there, never a hanlab cluster. */
const RESERVED_PORTS = new Set([4222, 6222, 8222, 1883, 8883]);
export const ADMIN_USERNAME = 'hanlab-admin';
export const CLUSTER_FILE = 'cluster.json';
export const DEFAULT_CLUSTER_DIR = '.hanlab/cluster';

export interface ClusterNode {
  name: string;
  pid: number;
  host: string;
  clientPort: number;
  clusterPort: number;
  mqttPort: number;
  httpPort: number;
  mqttUrl: string;
  natsUrl: string;
  /** Where other nodes route to; null for a lone node (no routes: no cluster listener). */
  routeUrl: string | null;
  config: string;
  log: string;
}

export interface ClusterInfo {
  /** Absolute DIR. */
  dir: string;
  cluster: string;
  nodes: ClusterNode[];
  /** nats:// and MQTT login with every right (tools: a fleet coordinator). */
  admin: { username: string; password: string };
  /** Device/observer accounts configured. */
  accounts: number;
  /** Wall-clock ms from the first spawn until every node answered an MQTT CONNECT. */
  startupMs: number;
  startedAt: string;
}

export interface StartClusterOptions {
  nodes: number;
  dir: string;
  identities: IdentityRegistry;
  /** Listen address of every port (default 127.0.0.1; 0.0.0.0 for a cluster across machines). */
  host?: string;
  /** Host the URLs name (default: host, or 127.0.0.1 for 0.0.0.0). */
  advertise?: string;
  /** Routes to other machines' cluster ports (nats-route://HOST:PORT), added to every node's. */
  routes?: string[];
  binary?: string;
  /** Until every node answers MQTT, ms (JetStream elects its meta leader first). Default 30000. */
  startTimeoutMs?: number;
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

export function findNatsServer(): string | null {
  for (const p of NATS_SERVER_CANDIDATES) {
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

/**
 * An MQTT topic filter as the NATS subjects that grant it: `/` → `.`, `+` → `*`, and a trailing
 * `#` (which in MQTT also matches its parent level) → both the parent and `parent.>`.
 */
export function natsSubjects(filter: string): string[] {
  const levels = filter.split('/');
  for (const l of levels) {
    if (l === '' || l.includes('.') || /\s/.test(l)) throw new ClusterError(`topic filter ${JSON.stringify(filter)} cannot be a NATS subject (an empty level, a dot or a space in a level)`);
  }
  const mapped = levels.map((l) => (l === '+' ? '*' : l === '#' ? '>' : l));
  if (mapped[mapped.length - 1] === '>' && mapped.length > 1) return [mapped.slice(0, -1).join('.'), mapped.join('.')];
  return [mapped.join('.')];
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function subjectList(filters: readonly string[]): string {
  const subjects = [...new Set(filters.flatMap(natsSubjects))];
  // An empty list would mean "no restriction" to NATS: deny everything explicitly instead.
  if (subjects.length === 0) return '{ deny: [">"] }';
  return `[${subjects.map(quote).join(', ')}]`;
}

/** The `authorization` block: each account a user with its ACL; the admin with every right. */
export function natsAuthorization(identities: IdentityRegistry, admin: { username: string; password: string }): string {
  const users = [`    { user: ${quote(admin.username)}, password: ${quote(admin.password)} }`];
  for (const a of identities.values()) {
    users.push(`    { user: ${quote(a.username)}, password: ${quote(a.password)}, permissions: { publish: ${subjectList(a.write)}, subscribe: ${subjectList(a.read)} } }`);
  }
  return ['authorization {', '  users: [', ...users, '  ]', '}'].join('\n');
}

interface PortSet {
  clientPort: number;
  clusterPort: number;
  mqttPort: number;
  httpPort: number;
}

/** One node's nats-server.conf. */
/**
 * `mqttReplicas`: copies of the MQTT streams (sessions, retained messages) JetStream keeps, at
 * most the cluster's size and 3. With the default, measured on nats-server 2.9.10, a node killed
 * took the session store with it: the others refused every MQTT login ("loading session record
 * … JetStream system temporarily unavailable") for over 30 s; with 3 copies a 3-node cluster
 * goes on (test/fleet-nats.test.ts kills one mid-run).
 */
export function natsNodeConfig(o: { name: string; cluster: string; host: string; ports: PortSet; routes: string[]; storeDir: string; authorization: string; mqttReplicas?: number }): string {
  return [
    '# hanlab cluster node (generated by `hanlab cluster up`; holds secrets)',
    `server_name: ${quote(o.name)}`,
    `host: ${quote(o.host)}`,
    `port: ${o.ports.clientPort}`,
    `http: ${quote(`${o.host}:${o.ports.httpPort}`)}`,
    `max_payload: ${PACKET_MAX_BYTES}`,
    `jetstream { store_dir: ${quote(o.storeDir)}, max_memory_store: 256MB, max_file_store: 2GB }`,
    // A single node with no routes runs JetStream on its own: nats-server refuses a JetStream
    // cluster block without routes. Its cluster port is still chosen (and listed), unused.
    ...(o.routes.length === 0
      ? []
      : ['cluster {', `  name: ${quote(o.cluster)}`, `  listen: ${quote(`${o.host}:${o.ports.clusterPort}`)}`, `  routes: [${o.routes.map(quote).join(', ')}]`, '}']),
    `mqtt { listen: ${quote(`${o.host}:${o.ports.mqttPort}`)}${(o.mqttReplicas ?? 1) > 1 ? `, stream_replicas: ${o.mqttReplicas}` : ''} }`,
    o.authorization,
    '',
  ].join('\n');
}

async function portsFor(n: number): Promise<PortSet[]> {
  const taken = new Set<number>();
  const pick = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!RESERVED_PORTS.has(p) && !taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  const out: PortSet[] = [];
  for (let i = 0; i < n; i++) out.push({ clientPort: await pick(), clusterPort: await pick(), mqttPort: await pick(), httpPort: await pick() });
  return out;
}

export function readClusterInfo(dir: string): ClusterInfo | null {
  const file = join(resolve(dir), CLUSTER_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterInfo;
}

/** Whether `pid` is alive and still the nats-server of `config` (a reused PID is not ours). */
export function isOurProcess(pid: number, config: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(config);
  } catch {
    return true; // no /proc: trust the PID
  }
}

/** One MQTT CONNECT: resolves on CONNACK 0, rejects otherwise. */
function mqttProbe(url: string, username: string, password: string, timeoutMs: number): Promise<void> {
  return new Promise((resolveProbe, reject) => {
    const client = mqtt.connect(url, { clientId: `${username}-probe-${process.pid}`, username, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: timeoutMs, clean: true });
    const done = (err?: Error): void => {
      client.end(true);
      if (err) reject(err);
      else resolveProbe();
    };
    client.once('connect', () => done());
    client.once('error', (e) => done(e));
    client.once('close', () => done(new Error('closed before CONNACK')));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the cluster, waits until each node answers MQTT, writes DIR/cluster.json. A port taken
 * between choosing it and the server binding it (freePort is racy by nature) is retried once
 * with fresh ports.
 */
export async function startCluster(o: StartClusterOptions): Promise<ClusterInfo> {
  try {
    return await startOnce(o);
  } catch (err) {
    if (err instanceof ClusterError && /address already in use/i.test(err.message)) return startOnce(o);
    throw err;
  }
}

async function startOnce(o: StartClusterOptions): Promise<ClusterInfo> {
  const binary = o.binary ?? findNatsServer();
  if (binary === null) throw new ClusterError(`nats-server not found (looked in ${NATS_SERVER_CANDIDATES.join(', ')}); on Debian: apt-get install nats-server`);
  const dir = resolve(o.dir);
  const known = readClusterInfo(dir);
  if (known !== null && known.nodes.some((n) => isOurProcess(n.pid, n.config))) {
    throw new ClusterError(`a cluster is already running from ${dir} (hanlab cluster down --dir ${o.dir} first)`);
  }
  mkdirSync(dir, { recursive: true });
  const host = o.host ?? '127.0.0.1';
  const advertise = o.advertise ?? (host === '0.0.0.0' ? '127.0.0.1' : host);
  const ports = await portsFor(o.nodes);
  const admin = { username: ADMIN_USERNAME, password: randomBytes(16).toString('hex') };
  const authorization = natsAuthorization(o.identities, admin);
  const cluster = 'hanlab';
  const tag = hostname().replace(/[^A-Za-z0-9_-]/g, '-');
  const nodes: ClusterNode[] = [];
  const started = performance.now();
  for (let i = 0; i < o.nodes; i++) {
    // Unique per host (two clusters of one host may route to each other: docs/cluster.md).
    const p = ports[i]!;
    const name = `hanlab-${tag}-n${i + 1}-${p.clientPort}`;
    const routes = [...ports.filter((_, j) => j !== i).map((q) => `nats-route://${advertise}:${q.clusterPort}`), ...(o.routes ?? [])];
    const config = join(dir, `n${i + 1}.conf`);
    const log = join(dir, `n${i + 1}.log`);
    const storeDir = join(dir, `n${i + 1}-js`);
    writeFileSync(config, natsNodeConfig({ name, cluster, host, ports: p, routes, storeDir, authorization, mqttReplicas: Math.min(3, o.nodes) }), { mode: 0o600 });
    const fd = openSync(log, 'a');
    const child = spawn(binary, ['-c', config], { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    if (child.pid === undefined) throw new ClusterError(`could not start ${binary}`);
    writeFileSync(join(dir, `n${i + 1}.pid`), `${child.pid}\n`);
    nodes.push({
      name,
      pid: child.pid,
      host,
      ...p,
      mqttUrl: `mqtt://${advertise}:${p.mqttPort}`,
      natsUrl: `nats://${advertise}:${p.clientPort}`,
      routeUrl: routes.length === 0 ? null : `nats-route://${advertise}:${p.clusterPort}`,
      config,
      log,
    });
  }
  const info: ClusterInfo = { dir, cluster, nodes, admin, accounts: o.identities.size, startupMs: 0, startedAt: new Date().toISOString() };
  writeFileSync(join(dir, CLUSTER_FILE), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  const deadline = started + (o.startTimeoutMs ?? 30_000);
  for (const n of nodes) {
    for (;;) {
      if (!isOurProcess(n.pid, n.config)) {
        await stopCluster(dir);
        throw new ClusterError(`${n.name} exited during startup: ${lastLines(n.log)}`);
      }
      try {
        await mqttProbe(n.mqttUrl, admin.username, admin.password, 2_000);
        break;
      } catch (err) {
        if (performance.now() > deadline) {
          await stopCluster(dir);
          throw new ClusterError(`${n.name} did not answer MQTT at ${n.mqttUrl} within ${o.startTimeoutMs ?? 30_000} ms (${(err as Error).message}): ${lastLines(n.log)}`);
        }
        await sleep(200);
      }
    }
  }
  info.startupMs = Math.round(performance.now() - started);
  writeFileSync(join(dir, CLUSTER_FILE), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  return info;
}

function lastLines(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '(no log)';
  }
}

export interface StopResult {
  dir: string;
  /** PIDs that were running and are now gone. */
  stopped: number[];
  /** PIDs that needed SIGKILL. */
  killed: number[];
}

/** Stops every node of DIR's cluster by PID (SIGTERM, SIGKILL after 5 s); removes cluster.json and the JetStream stores. */
export async function stopCluster(dirArg: string): Promise<StopResult | null> {
  const dir = resolve(dirArg);
  const info = readClusterInfo(dir);
  if (info === null) return null;
  const alive = info.nodes.filter((n) => isOurProcess(n.pid, n.config));
  for (const n of alive) {
    try {
      process.kill(n.pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  const killed: number[] = [];
  const deadline = performance.now() + 5_000;
  for (const n of alive) {
    while (isOurProcess(n.pid, n.config)) {
      if (performance.now() > deadline) {
        try {
          process.kill(n.pid, 'SIGKILL');
          killed.push(n.pid);
        } catch {
          // gone
        }
        await sleep(100);
        break;
      }
      await sleep(50);
    }
  }
  for (const n of info.nodes) {
    rmSync(n.config.replace(/\.conf$/, '.pid'), { force: true });
    rmSync(n.config.replace(/\.conf$/, '-js'), { recursive: true, force: true });
    // The config holds every secret: it goes with the cluster.
    rmSync(n.config, { force: true });
  }
  rmSync(join(dir, CLUSTER_FILE), { force: true });
  return { dir, stopped: alive.map((n) => n.pid), killed };
}
