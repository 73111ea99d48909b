/**
 * A broker cluster named as one string, `mqtt://HOST:PORT,mqtt://HOST:PORT,…` (a NATS cluster's
 * MQTT listeners, say): the first is where a client connects, the rest where MQTT.js fails over
 * to, in order, when it loses that one (its `servers` option).
 */
export interface BrokerList {
  url: string;
  servers?: { host: string; port: number; protocol: 'mqtt' | 'mqtts' }[];
}

export function brokerList(text: string): BrokerList {
  const urls = text.split(',').map((u) => u.trim());
  if (urls.length === 1) return { url: urls[0]! };
  const servers = urls.map((u) => {
    const m = /^(mqtts?):\/\/([^/:]+|\[[^\]]+\]):(\d{1,5})$/.exec(u);
    if (m === null) throw new TypeError(`expected mqtt://HOST:PORT in a comma-separated list, found "${u}"`);
    return { protocol: m[1] as 'mqtt' | 'mqtts', host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3]) };
  });
  return { url: urls[0]!, servers };
}

/** The list started at its `n`-th URL (mod its length), so homes spread over the nodes. */
export function rotateBrokers(text: string, n: number): string {
  const urls = text.split(',');
  const k = ((n % urls.length) + urls.length) % urls.length;
  return [...urls.slice(k), ...urls.slice(0, k)].join(',');
}
