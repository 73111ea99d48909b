import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';

/**
 * An MQTT 3.1.1 client for a WAN endpoint (the comms hub's WAN side, the supplier), logged in
 * with its account (client id = username) and subscribed to one topic before it resolves. A
 * broker that cannot be reached, or that refuses the account, is an error naming the URL.
 *
 * A message delivered with the retain flag is a replay from the broker's store, not a command or
 * response sent now: it is ignored, as a device's HAN input ignores a retained frame.
 */
export async function connectWanClient(url: string, account: { username: string; password?: string | undefined }, subscribeTo: string, onMessage: (payload: Uint8Array) => void): Promise<MqttClient> {
  let client: MqttClient;
  try {
    client = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      clientId: account.username,
      username: account.username,
      ...(account.password !== undefined ? { password: account.password } : {}),
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
  } catch (err) {
    throw new Error(`WAN endpoint ${account.username}: cannot connect to the MQTT broker at ${url}: ${(err as Error).message}`);
  }
  client.on('message', (topic, payload, packet) => {
    if (topic === subscribeTo && !packet.retain) onMessage(new Uint8Array(payload));
  });
  await client.subscribeAsync(subscribeTo, { qos: 0 });
  return client;
}
