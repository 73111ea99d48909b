/**
 * A private Mosquitto for tests and runs that want a real broker: a free port on 127.0.0.1, a
 * temporary config, password file and per-user ACL written from the HAN identity registry
 * (identities.ts, mosquitto-files.ts: SECMP0015 section 5), stopped by PID. Never touches a
 * system broker.
 *
 * Every client logs in (`allow_anonymous false`) and is its username (`use_username_as_clientid
 * true`); each account may write and read only its registry filters: a device publishes HAN frames
 * only as itself and its own `hanlab/{premises}/{device}/…`, receives only frames addressed to it,
 * an observer reads `hanlab/#`. Mosquitto drops an ACL-denied publish silently (connection kept)
 * and checks read access per message; whether a denied subscription also gets SUBACK 0x80 depends
 * on the Mosquitto version (2.0.11 grants it and filters every message). A packet over
 * `max_packet_size` disconnects its sender.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { identityRegistry, observerAccount } from './identities.ts';
import type { IdentityRegistry } from './identities.ts';
import { MOSQUITTO_LISTENER_CONFIG, mosquittoAcl, mosquittoSecurityConfig, writePasswordFile } from './mosquitto-files.ts';
import type { PasswordHasher } from './mosquitto-files.ts';

export interface MosquittoOptions {
  /** Executable name (looked up on PATH, then /usr/sbin, /usr/local/sbin) or path. */
  binary?: string;
  /** How long to wait for the listener, ms. Default 5000. */
  startTimeoutMs?: number;
  /** Extra mosquitto.conf lines. */
  extraConfig?: string[];
  /**
   * Who may connect and what each may do. Default: only the observer account, so a broker
   * started without one refuses every device rather than trusting anyone.
   */
  identities?: IdentityRegistry;
  /**
   * Path of mosquitto_passwd, or null to hash with node:crypto (mosquitto-files.ts). Default: the
   * one beside the mosquitto binary, else on PATH, else node:crypto.
   */
  mosquittoPasswd?: string | null;
  /**
   * An ACL text of your own instead of the registry's, and then no password file: the broker is
   * open to anonymous clients as it was before devices had identities (MOSQUITTO_ACL's rules).
   * Only for callers whose devices cannot log in yet (bench:espruino, until the Espruino board
   * connects with its secret); everything else passes `identities`.
   */
  acl?: string;
}

export interface MosquittoBroker {
  url: string;
  port: number;
  pid: number;
  /** The registry it checks (null with an `acl` of the caller's own). */
  identities: IdentityRegistry | null;
  /** How its password file was hashed (null without one). */
  passwordHasher: PasswordHasher | null;
  /** Mosquitto's stderr so far (its log). */
  log(): string;
  /** Stops the process (SIGTERM, SIGKILL after 3 s) and removes the temporary directory. */
  close(): Promise<void>;
}

/** The anonymous-era ACL (no accounts): only with the `acl` option, see there. */
export const MOSQUITTO_ACL = [
  'topic readwrite hanlab/#',
  'topic readwrite wan/#',
  'pattern write han/+/+/%c/#',
  'pattern read han/+/%c/#',
  '',
].join('\n');

/** sbin directories are often not on a non-root PATH. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/opt/homebrew/sbin'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of the Mosquitto binary, or null. */
export function findMosquitto(binary = 'mosquitto'): string | null {
  if (binary.includes('/')) return isExecutable(binary) ? binary : null;
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

export function mosquittoAvailable(binary = 'mosquitto'): boolean {
  return findMosquitto(binary) !== null;
}

/** mosquitto_passwd: beside the mosquitto binary first (the same installation), else as findMosquitto looks; or null. */
export function findMosquittoPasswd(mosquittoPath: string | null = findMosquitto()): string | null {
  if (mosquittoPath !== null) {
    const beside = join(dirname(mosquittoPath), 'mosquitto_passwd');
    if (isExecutable(beside)) return beside;
  }
  return findMosquitto('mosquitto_passwd');
}

/** A port that was free a moment ago (listen on 0, close). Racy by nature: callers retry. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('freePort: no port assigned'))));
    });
  });
}

function tcpReachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.setTimeout(500, () => finish(false));
  });
}

/** PIDs of brokers started here and not yet stopped: killed if this process exits first. */
const running = new Set<number>();
let exitHookInstalled = false;
function track(pid: number): void {
  running.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of running) {
      try {
        process.kill(p, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function processExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function startOnce(path: string, port: number, options: MosquittoOptions): Promise<MosquittoBroker | { retry: string }> {
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'hanlab-mosquitto-'));
  const aclFile = join(dir, 'acl');
  const passwordFile = join(dir, 'passwd');
  const confFile = join(dir, 'mosquitto.conf');
  const identities = options.acl === undefined ? (options.identities ?? identityRegistry([observerAccount()])) : null;
  let passwordHasher: PasswordHasher | null = null;
  let security: string[];
  try {
    if (identities === null) {
      writeFileSync(aclFile, options.acl!);
      security = ['allow_anonymous true', `acl_file ${aclFile}`];
    } else {
      writeFileSync(aclFile, mosquittoAcl(identities));
      passwordHasher = writePasswordFile(passwordFile, identities, options.mosquittoPasswd === undefined ? findMosquittoPasswd(path) : options.mosquittoPasswd);
      security = [...MOSQUITTO_LISTENER_CONFIG, ...mosquittoSecurityConfig(passwordFile, aclFile)];
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mosquitto: cannot write its files: ${(err as Error).message}`);
  }
  const conf = [
    `listener ${port} ${host}`,
    // Right after the listener: use_username_as_clientid is that listener's setting.
    ...security,
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'max_queued_messages 100000',
    'set_tcp_nodelay true', // HAN frames are small and come in bursts
    // Run as whoever runs us: as root Mosquitto would otherwise switch to user "mosquitto",
    // who cannot read this temporary directory.
    `user ${userInfo().username}`,
    ...(options.extraConfig ?? []),
    '',
  ].join('\n');
  writeFileSync(confFile, conf);

  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  const child = spawn(path, ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const kill = async (): Promise<void> => {
    if (!processExited(child) && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!killed && !processExited(child)) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
    }
    removeDir();
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 5000);
  for (;;) {
    if (spawnError !== undefined) {
      removeDir();
      throw new Error(`mosquitto: cannot start ${path}: ${spawnError.message}`);
    }
    if (processExited(child)) {
      removeDir();
      if (/address already in use/i.test(stderr)) return { retry: stderr };
      throw new Error(`mosquitto exited (code ${child.exitCode}, signal ${child.signalCode}) before listening on ${host}:${port}:\n${stderr.trim()}`);
    }
    if (await tcpReachable(host, port)) break;
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`mosquitto did not listen on ${host}:${port} within ${options.startTimeoutMs ?? 5000} ms:\n${stderr.trim()}`);
    }
    await sleep(20);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('mosquitto: no pid');
  track(pid);
  void exited.then(() => running.delete(pid));

  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    pid,
    identities,
    passwordHasher,
    log: () => stderr,
    close: () => (closing ??= kill()),
  };
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoBroker> {
  const binary = options.binary ?? 'mosquitto';
  const path = findMosquitto(binary);
  if (path === null) throw new Error(`mosquitto: binary ${JSON.stringify(binary)} not found on PATH (${EXTRA_DIRS.join(', ')} also searched)`);
  let lastRetry = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const result = await startOnce(path, port, options);
    if (!('retry' in result)) return result;
    lastRetry = result.retry;
  }
  throw new Error(`mosquitto: could not get a free port after 5 attempts:\n${lastRetry.trim()}`);
}
