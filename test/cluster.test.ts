/**
 * `hanlab cluster up|down` (fleet/cluster): a real 3-node NATS cluster on free ports. Generous
 * timeouts: these are real processes and sockets, and each node waits for JetStream's meta leader
 * election before it answers MQTT (~8 s here on a shared 2-core machine, more under load).
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterError, isOurProcess, natsAuthorization, natsNodeConfig, natsSubjects, readClusterInfo, startCluster, stopCluster } from '../fleet/cluster/nats-cluster.ts';
import type { ClusterInfo } from '../fleet/cluster/nats-cluster.ts';
import { deviceAccount, identityRegistry, observerAccount, OBSERVER_PASSWORD, OBSERVER_USERNAME } from '../han/identities.ts';
import { hanTopic, hanSubscription } from '../han/topics.ts';
import { main } from '../cli/main.ts';

const available = existsSync('/usr/sbin/nats-server');
const GSME = '00000000000000A1';
const PPMID = '00000000000000B2';
const SECRET = { [GSME]: 'a1'.repeat(16), [PPMID]: 'b2'.repeat(16) };
const identities = identityRegistry([
  observerAccount(),
  deviceAccount({ eui: GSME, secret: SECRET[GSME], premises: 'p1', device: 'gsme' }),
  deviceAccount({ eui: PPMID, secret: SECRET[PPMID], premises: 'p1', device: 'ppmid' }),
]);

function connect(url: string, username: string, password: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { clientId: username, username, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

function subscribe(c: MqttClient, filter: string): Promise<number> {
  // mqtt.js reports SUBACK 0x80 (refused) as an error: return it as the code it is.
  return new Promise((resolve, reject) =>
    c.subscribe(filter, { qos: 0 }, (err, granted) => {
      if (err?.name === 'ErrorWithSubackPacket') resolve(0x80);
      else if (err) reject(err);
      else resolve(granted?.[0]?.qos ?? -1);
    }),
  );
}

/** Messages a client receives, and a wait for one matching. */
function inbox(c: MqttClient) {
  const got: { topic: string; payload: string; retain: boolean }[] = [];
  c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString('hex'), retain: packet.retain }));
  return {
    got,
    async waitFor(pred: (m: { topic: string; payload: string; retain: boolean }) => boolean, ms: number): Promise<boolean> {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (got.some(pred)) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return got.some(pred);
    },
  };
}

describe('natsSubjects', () => {
  it('maps MQTT filters to NATS subjects, a trailing # to the parent and parent.>', () => {
    expect(natsSubjects(`han/+/+/${GSME}/#`)).toEqual([`han.*.*.${GSME}`, `han.*.*.${GSME}.>`]);
    expect(natsSubjects('wan/p1/X/command')).toEqual(['wan.p1.X.command']);
    expect(() => natsSubjects('hanlab/p.1/#')).toThrow(ClusterError);
  });

  it('writes the ACL as per-user permissions; an account without filters is denied all; a lone node has no cluster block', () => {
    const auth = natsAuthorization(identities, { username: 'hanlab-admin', password: 'x' });
    expect(auth).toContain(`{ user: "${GSME}", password: "${SECRET[GSME]}", permissions: { publish: ["han.*.*.${GSME}", "han.*.*.${GSME}.>", "hanlab.p1.gsme", "hanlab.p1.gsme.>", "hanlab.p1.${GSME}", "hanlab.p1.${GSME}.>"], subscribe: ["han.*.${GSME}", "han.*.${GSME}.>"] } }`);
    expect(auth).toContain('{ user: "hanlab-observer", password: "hanlab", permissions: { publish: { deny: [">"] }, subscribe: ["hanlab", "hanlab.>"] } }');
    const ports = { clientPort: 1, clusterPort: 2, mqttPort: 3, httpPort: 4 };
    const base = { name: 'n', cluster: 'c', host: '127.0.0.1', ports, storeDir: '/s', authorization: auth };
    expect(natsNodeConfig({ ...base, routes: [] })).not.toContain('cluster {');
    expect(natsNodeConfig({ ...base, routes: [] })).not.toContain('stream_replicas');
    expect(natsNodeConfig({ ...base, routes: ['nats-route://127.0.0.1:9'], mqttReplicas: 3 })).toMatch(/mqtt \{ listen: "[^"]+", stream_replicas: 3 \}/);
    expect(natsNodeConfig({ ...base, routes: ['nats-route://127.0.0.1:9'] })).toContain('routes: ["nats-route://127.0.0.1:9"]');
  });
});

describe.skipIf(!available)('a 3-node NATS cluster', () => {
  let dir: string;
  let info: ClusterInfo;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hanlab-cluster-'));
    info = await startCluster({ nodes: 3, dir, identities, startTimeoutMs: 60_000 });
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    if (dir !== undefined) {
      await stopCluster(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('runs three nodes on free ports, none the standard ones, and writes cluster.json', () => {
    expect(info.nodes).toHaveLength(3);
    const ports = info.nodes.flatMap((n) => [n.clientPort, n.clusterPort, n.mqttPort, n.httpPort]);
    expect(new Set(ports).size).toBe(12);
    for (const p of [4222, 6222, 8222, 1883]) expect(ports).not.toContain(p);
    expect(readClusterInfo(dir)?.nodes.map((n) => n.pid)).toEqual(info.nodes.map((n) => n.pid));
    for (const n of info.nodes) expect(isOurProcess(n.pid, n.config)).toBe(true);
  });

  it('carries a HAN frame across nodes, refuses a spoofed source and a wrong secret, shares retained messages', async () => {
    const [n1, n2, n3] = info.nodes;
    const gsme = await connect(n1!.mqttUrl, GSME, SECRET[GSME]);
    const ppmid = await connect(n2!.mqttUrl, PPMID, SECRET[PPMID]);
    clients.push(gsme, ppmid);
    const ppmidIn = inbox(ppmid);
    expect(await subscribe(ppmid, hanSubscription('p1', PPMID))).toBe(0);
    // Another device's frames: not its to read (SUBACK 0x80).
    expect(await subscribe(ppmid, hanSubscription('p1', GSME))).toBe(0x80);
    // Interest crosses the routes asynchronously: publish until the first frame arrives.
    const frame = hanTopic('p1', PPMID, GSME, 0x0702);
    let crossed = false;
    for (let i = 0; i < 50 && !crossed; i++) {
      gsme.publish(frame, Buffer.from([1, 2, 3]));
      crossed = await ppmidIn.waitFor((m) => m.topic === frame, 200);
    }
    expect(crossed).toBe(true);
    // The GSME (its own login) claiming another source, to the subscribed PPMID: dropped by the server.
    gsme.publish(hanTopic('p1', PPMID, '00000000000000C3', 0x0703), Buffer.from([9]));
    gsme.publish(frame, Buffer.from([4])); // a legitimate frame after it, as a marker
    expect(await ppmidIn.waitFor((m) => m.payload === '04', 5_000)).toBe(true);
    expect(ppmidIn.got.some((m) => m.topic.endsWith('/0703'))).toBe(false);
    expect(gsme.connected).toBe(true);
    // A wrong secret: refused at CONNECT.
    await expect(connect(n1!.mqttUrl, GSME, SECRET[PPMID])).rejects.toThrow();
    // Retained (QoS 0, as the devices publish their state): the GSME's state on n1, read by the
    // observer on n3. The retained store reaches n3 through JetStream shortly after: a new
    // subscriber then gets it at SUBSCRIBE (with the retain flag); subscribe again until it does
    // (at most 30 s: real processes, slower beside a full test run). Only a retained copy counts:
    // under load the publish itself can still be crossing the routes when the first observer
    // subscribes, and reach it live, without the flag.
    const state = 'hanlab/p1/gsme/state';
    await new Promise<void>((r) => gsme.publish(state, '{"ok":true}', { qos: 0, retain: true }, () => r()));
    let seen: { topic: string; retain: boolean } | undefined;
    for (let i = 0; i < 30 && seen === undefined; i++) {
      const observer = await connect(n3!.mqttUrl, OBSERVER_USERNAME, OBSERVER_PASSWORD);
      const obsIn = inbox(observer);
      await subscribe(observer, 'hanlab/#');
      if (await obsIn.waitFor((m) => m.topic === state && m.retain, 1_000)) seen = obsIn.got.find((m) => m.topic === state && m.retain);
      observer.end(true);
    }
    expect(seen?.retain).toBe(true);
  }, 90_000);

  it('refuses a second cluster in the same folder while the first runs', async () => {
    await expect(startCluster({ nodes: 1, dir, identities })).rejects.toThrow(/already running/);
  });

  it('stopCluster stops every PID and leaves no process', async () => {
    for (const c of clients.splice(0)) c.end(true);
    const result = await stopCluster(dir);
    expect(result?.stopped.sort()).toEqual(info.nodes.map((n) => n.pid).sort());
    for (const n of info.nodes) expect(isOurProcess(n.pid, n.config)).toBe(false);
    expect(readClusterInfo(dir)).toBeNull();
  }, 30_000);
});

describe.skipIf(!available)('hanlab cluster up|down', () => {
  it('starts, prints one mqtt:// URL per node, and down leaves no process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hanlab-cluster-cli-'));
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
    let up: number;
    let down: number;
    try {
      up = await main(['cluster', 'up', '--nodes', '2', '--dir', dir]);
    } finally {
      process.stdout.write = write;
    }
    const info = readClusterInfo(dir);
    try {
      expect(up).toBe(0);
      expect(out.join('').match(/mqtt:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(2);
      expect(info?.nodes.every((n) => isOurProcess(n.pid, n.config))).toBe(true);
    } finally {
      process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
      try {
        down = await main(['cluster', 'down', '--dir', dir]);
      } finally {
        process.stdout.write = write;
      }
    }
    expect(down).toBe(0);
    for (const n of info!.nodes) expect(isOurProcess(n.pid, n.config)).toBe(false);
    expect(readClusterInfo(dir)).toBeNull();
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it('bad input exits 2 with one line', async () => {
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['cluster', 'up', '--nodes', '0'])).toBe(2);
      expect(await main(['cluster', 'sideways'])).toBe(2);
      expect(await main(['cluster', 'up', '--nodes', 'x'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err[0]).toMatch(/^hanlab cluster: --nodes: expected a whole number 1…9, found "0"/);
    expect(err[1]).toMatch(/^hanlab cluster: expected up or down, found "sideways"/);
  });
});
