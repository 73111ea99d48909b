import { fromHex } from '../../firmware/codec/hex.ts';
import { buildGbcsMessage } from '../../firmware/gbcs/build.ts';
import { encodeGbcsMessageWithLayout } from '../../firmware/gbcs/message.ts';
import { parseResponse } from '../../firmware/gbcs/parse.ts';
import type { ParsedGbcs } from '../../firmware/gbcs/parse.ts';
import { sealWrapperMac } from '../../firmware/gbcs/security.ts';
import type { GbcsCrypto } from '../../firmware/gbcs/security.ts';
import { CRA_COMMAND } from '../../firmware/gbcs/types.ts';
import type { GbzComponent } from '../../firmware/gbcs/types.ts';
import { useCaseByName } from '../../firmware/gbcs/use-cases.ts';
import type { GbcsUseCaseName } from '../../firmware/gbcs/use-cases.ts';
import { encodeZclFrame, ZclGeneralCommand } from '../../firmware/zcl/index.ts';
import type { InFlight } from '../../han/in-flight.ts';
import { wanTopic } from '../../han/topics.ts';
import type { DeviceBus } from '../../han/in-process-broker.ts';
import { connectWanClient } from './client.ts';
import { ACCESS_CONTROL_BROKER } from './hub.ts';
import { SUPPLIER, supplierClientId } from './parties.ts';

export { SUPPLIER };

export interface SupplierOptions {
  url: DeviceBus;
  premises: string;
  hubEui: string;
  /** The device the requests are about (the GSME): the command's recipient. */
  deviceEui: string;
  crypto: GbcsCrypto;
  /** The supplier's password on the broker (its account: sim/wan/parties.ts). */
  password: string;
  inFlight: Pick<InFlight, 'add' | 'done' | 'fail'>;
  /** Every response, as Parse & Correlate decodes it. */
  onResponse(parsed: ParsedGbcs): void;
  onCommand(useCase: GbcsUseCaseName, counter: bigint): void;
}

/**
 * The supplier side of the WAN stand-in: sends GBCS service requests (MACed by the Access
 * Control Broker's key, as RTDS commands are) to the comms hub and decodes its responses with
 * Parse & Correlate.
 */
/**
 * How long the supplier waits for the comms hub's answer before it counts a request as timed out
 * (the simulator's choice: the hub answers on the simulated WAN within seconds when it can).
 */
export const SUPPLIER_RESPONSE_TIMEOUT_MS = 60_000;

export interface Supplier {
  /** Sends a service request to the comms hub; returns its originator counter. */
  request(useCase: GbcsUseCaseName): bigint;
  /** A service request that cannot reach the comms hub (no WAN there): counted and logged, never sent. Returns its counter. */
  unreachable(useCase: GbcsUseCaseName): bigint;
  close(): Promise<void>;
}

export async function startSupplier(o: SupplierOptions): Promise<Supplier> {
  const commandTopic = wanTopic(o.premises, o.hubEui, 'command');
  const responseTopic = wanTopic(o.premises, o.hubEui, 'response');
  let counter = 0x1000n;

  const client = await connectWanClient(o.url, { username: supplierClientId(o.premises), password: o.password }, responseTopic, (bytes) => {
    void parseResponse(bytes, { crypto: o.crypto })
      .then(o.onResponse)
      .catch((err) => o.inFlight.fail(err as Error))
      .finally(() => o.inFlight.done(responseTopic));
  });

  async function send(useCase: GbcsUseCaseName, originatorCounter: bigint): Promise<void> {
    const uc = useCaseByName(useCase);
    const components: GbzComponent[] = uc.reads.map((read, i) => ({
      clusterId: read.clusterId,
      fromDateTime: null,
      encrypted: false,
      zcl: encodeZclFrame({
        header: { frameType: 'global', direction: 'toServer', disableDefaultResponse: false, sequence: i, commandId: ZclGeneralCommand.readAttributes },
        command: { kind: 'readAttributes', attributeIds: [...read.attributes] },
      }),
    }));
    const msg = buildGbcsMessage({
      craFlag: CRA_COMMAND,
      originatorCounter,
      originatorSystemTitle: fromHex(SUPPLIER),
      recipientSystemTitle: fromHex(o.deviceEui),
      dateTime: null,
      messageCode: uc.messageCode,
      components,
      mac: null,
    });
    const sealed = await sealWrapperMac(encodeGbcsMessageWithLayout(msg).bytes, o.crypto, { accessControlBroker: ACCESS_CONTROL_BROKER });
    if (!sealed) throw new Error(`supplier: no key agreement between the Access Control Broker and ${o.deviceEui} for the command MAC`);
    o.inFlight.add(1, commandTopic);
    client.publish(commandTopic, Buffer.from(sealed), { qos: 0 });
  }

  return {
    request(useCase) {
      const c = counter++;
      o.onCommand(useCase, c);
      // Counted until published, so virtual time waits for the MAC to be computed.
      o.inFlight.add(1, 'supplier: preparing a command');
      void send(useCase, c)
        .catch((err) => o.inFlight.fail(err as Error))
        .finally(() => o.inFlight.done('supplier: preparing a command'));
      return c;
    },
    unreachable(useCase) {
      const c = counter++;
      o.onCommand(useCase, c);
      return c;
    },
    close: () => client.endAsync(),
  };
}
