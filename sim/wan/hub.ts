import { DecodeError } from '../../firmware/codec/errors.ts';
import { fromHex } from '../../firmware/codec/hex.ts';
import { decodeGbcsMessage } from '../../firmware/gbcs/message.ts';
import { buildUseCaseResponse } from '../../firmware/gbcs/respond.ts';
import { verifyWrapperMac } from '../../firmware/gbcs/security.ts';
import type { GbcsCrypto } from '../../firmware/gbcs/security.ts';
import type { DecodedGbcsMessage } from '../../firmware/gbcs/types.ts';
import { useCaseByMessageCode } from '../../firmware/gbcs/use-cases.ts';
import type { WanRespondEmitted } from '../../firmware/machines/index.ts';
import type { Log } from '../../firmware/platform/index.ts';
import type { RunningDevice } from '../../firmware/runtime/device.ts';
import type { InFlight } from '../../han/in-flight.ts';
import { wanTopic } from '../../han/topics.ts';
import type { DeviceBus } from '../../han/in-process-broker.ts';
import { connectWanClient } from './client.ts';
import { hubWanClientId } from './parties.ts';

/** The Access Control Broker of the RTDS key store: commands are MACed between it and the device. */
export const ACCESS_CONTROL_BROKER = fromHex('90B3D51F30000002');

export interface HubWanOptions {
  url: DeviceBus;
  premises: string;
  hubEui: string;
  gpf: RunningDevice;
  crypto: GbcsCrypto;
  /** The hub's secret: its WAN side logs in as `{hubEui}-WAN` with it (sim/wan/parties.ts); none: no password. */
  secret?: string | undefined;
  /** Counts WAN work for the lockstep clock; a board (no lockstep) passes one that only logs failures. */
  inFlight: Pick<InFlight, 'add' | 'done' | 'fail'>;
  log: Log;
}

/**
 * The comms hub's WAN side: GBCS commands arrive on `wan/{premises}/{chEui}/command`; a command
 * whose MAC checks out becomes a WAN_REQUEST to the GPF machine, and the GPF's answer is built
 * into a GBCS response (date-time and time status as SECMP0015 says) on `…/response`.
 */
export async function attachHubWan(o: HubWanOptions): Promise<{ close(): Promise<void> }> {
  const commandTopic = wanTopic(o.premises, o.hubEui, 'command');
  const responseTopic = wanTopic(o.premises, o.hubEui, 'response');
  const waiting = new Map<string, DecodedGbcsMessage>();

  const client = await connectWanClient(o.url, { username: hubWanClientId(o.hubEui), password: o.secret }, commandTopic, (bytes) => {
    // The supplier counted this command in flight; it is done once handled (answered or refused).
    void handle(bytes).finally(() => o.inFlight.done(commandTopic));
  });

  async function handle(bytes: Uint8Array): Promise<void> {
    let command: DecodedGbcsMessage;
    try {
      command = decodeGbcsMessage(bytes);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      o.log.warn('malformed GBCS command dropped', { error: err.message });
      return;
    }
    const mac = await verifyWrapperMac(bytes, o.crypto, { accessControlBroker: ACCESS_CONTROL_BROKER });
    if (mac !== 'valid') {
      o.log.warn('GBCS command refused: its MAC does not verify', { mac, counter: String(command.groupingHeader.originatorCounter) });
      return;
    }
    const useCase = useCaseByMessageCode(command.groupingHeader.messageCode)!;
    const requestId = String(command.groupingHeader.originatorCounter);
    waiting.set(requestId, command);
    o.gpf.send({ type: 'WAN_REQUEST', requestId, useCase: useCase.name });
  }

  o.gpf.on('wan.respond', (event) => {
    const e = event as unknown as WanRespondEmitted;
    const command = waiting.get(e.requestId);
    if (!command) return;
    waiting.delete(e.requestId);
    o.inFlight.add(1, responseTopic);
    void respond(command, e).catch((err) => {
      o.inFlight.done(responseTopic);
      o.inFlight.fail(err as Error);
    });
  });

  async function respond(command: DecodedGbcsMessage, e: WanRespondEmitted): Promise<void> {
    const bytes = await buildUseCaseResponse(command, { reads: e.attributes, dateTime: e.dateTime }, o.crypto);
    if (!bytes) {
      o.log.warn('cannot answer: no key agreement with the requester', { requestId: e.requestId });
      o.inFlight.done(responseTopic);
      return;
    }
    client.publish(responseTopic, Buffer.from(bytes), { qos: 0 });
  }

  return { close: () => client.endAsync() };
}
