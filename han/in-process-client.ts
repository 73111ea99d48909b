/**
 * A client of the in-process HAN bus (in-process-broker.ts), with the part of MQTT.js's
 * `MqttClient` the HAN device transport (mqtt-han.ts) and the WAN clients (sim/wan/client.ts)
 * use: `connected`, events 'connect' / 'message' / 'error' / 'close' / 'offline' / 'end',
 * `publish` / `subscribe` (callback and async forms, QoS 0) and `end` / `endAsync`.
 *
 * Everything it asks of the bus is queued there and done after the call returns; a payload is
 * copied when published, so the sender may reuse its buffer.
 */
import { EventEmitter } from 'node:events';

/** What a client logs in with: as an MQTT CONNECT (client id, username, password). */
export interface Login {
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
}

export interface Granted {
  topic: string;
  /** 0, or 0x80: refused. */
  qos: number;
}

/** The bus as its clients see it (in-process-broker.ts). */
export interface BusSide {
  login(client: InProcessClient, login: Login): void;
  publish(client: InProcessClient, topic: string, payload: Buffer, retain: boolean, done: (err: Error | undefined) => void): void;
  subscribe(client: InProcessClient, filter: string, done: (err: Error | null, granted: Granted[]) => void): void;
  logout(client: InProcessClient, force: boolean, done: () => void): void;
}

export interface PublishOptions {
  qos?: 0;
  retain?: boolean;
}

export class InProcessClient extends EventEmitter {
  readonly clientId: string;
  private state: 'connecting' | 'connected' | 'ending' | 'closed' = 'connecting';

  constructor(
    private readonly bus: BusSide,
    login: Login,
  ) {
    super();
    this.clientId = login.clientId;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Still waiting for its login (not yet accepted, nor given up). */
  get connecting(): boolean {
    return this.state === 'connecting';
  }

  publish(topic: string, payload: string | Uint8Array, options: PublishOptions = {}, callback?: (err?: Error) => void): this {
    if (this.state === 'ending' || this.state === 'closed') {
      queueMicrotask(() => callback?.(new Error('client disconnecting')));
      return this;
    }
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
    this.bus.publish(this, topic, bytes, options.retain === true, callback ?? ignore);
    return this;
  }

  publishAsync(topic: string, payload: string | Uint8Array, options: PublishOptions = {}): Promise<void> {
    return new Promise((resolve, reject) => this.publish(topic, payload, options, (err) => (err ? reject(err) : resolve())));
  }

  subscribe(filter: string, _options: { qos: 0 } | undefined, callback?: (err: Error | null, granted?: Granted[]) => void): this {
    if (this.state === 'ending' || this.state === 'closed') {
      queueMicrotask(() => callback?.(new Error('client disconnecting')));
      return this;
    }
    this.bus.subscribe(this, filter, (err, granted) => callback?.(err, granted));
    return this;
  }

  subscribeAsync(filter: string, options?: { qos: 0 }): Promise<Granted[]> {
    return new Promise((resolve, reject) => this.subscribe(filter, options, (err, granted) => (err ? reject(err) : resolve(granted ?? []))));
  }

  end(force = false, callback?: () => void): this {
    if (this.state === 'closed' || this.state === 'ending') {
      if (callback) queueMicrotask(callback);
      return this;
    }
    this.state = 'ending';
    this.bus.logout(this, force, () => {
      this.emit('end');
      callback?.();
    });
    return this;
  }

  endAsync(force = false): Promise<void> {
    return new Promise((resolve) => this.end(force, resolve));
  }

  // --- called by the bus ---

  /** The login was accepted. */
  accepted(): void {
    if (this.state !== 'connecting') return;
    this.state = 'connected';
    this.emit('connect', { cmd: 'connack', returnCode: 0, sessionPresent: false });
  }

  /** The login was refused: MQTT.js's error for the CONNACK code, then the connection closes. */
  refused(message: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.emit('error', Object.assign(new Error(message), { code: 5 }));
    this.emit('close');
  }

  /** The bus closed the connection (logout, takeover, a packet too big, the bus closing). */
  dropped(): void {
    if (this.state === 'closed') return;
    const wasUp = this.state === 'connected';
    this.state = 'closed';
    this.emit('close');
    if (wasUp) this.emit('offline');
  }

  /** A message for this client (`retain`: replayed from the store to a new subscription). */
  deliver(topic: string, payload: Buffer, retain: boolean): void {
    if (this.state !== 'connected') return;
    try {
      this.emit('message', topic, payload, { cmd: 'publish', topic, payload, retain, qos: 0, dup: false });
    } catch (err) {
      // A listener's bug: thrown where MQTT.js would throw it (out of the event loop), and
      // the bus carries on with the next delivery.
      setImmediate(() => {
        throw err;
      });
    }
  }
}

function ignore(): void {}
