/**
 * Parse & Correlate (SECMP0015 section 2): a GBCS message — command, response or alert — as a
 * typed, JSON-serialisable report a supplier system (or a person) reads: use case, service
 * reference, grouping header, the date-time with its SECMP0015 time status (IsFromGSME,
 * ClockStatus), the wrapper-MAC verdict and every component's attributes, decrypted where the
 * keys allow and scaled to m³ / kWh / GBP where the same message carries the scaling attributes.
 *
 * Portable: no node:*; the cryptography comes in through `GbcsCrypto`.
 *
 * Failure model: bad bytes are a DecodeError (offset from the start of the message, expected,
 * found) — also inside a decrypted payload, whose offsets are those of the ciphertext bytes in
 * the message. Missing keys are not an error: the MAC reads 'no-key', an encrypted component
 * `decryption: 'no-key'` with no attributes, and everything in clear still decodes. A MAC or tag
 * that does not authenticate is reported ('invalid'), not thrown: the structure is still shown.
 */
import { ByteReader } from '../codec/bytes.ts';
import { hex4, toHex } from '../codec/hex.ts';
import { dlmsDateTimeToIso } from '../dlms/date-time.ts';
import { attributeInfo, clusterName, CURRENCY_GBP, Metering, Prepayment, Price, priceDecimalPlaces, UnitOfMeasure } from '../zcl/clusters/index.ts';
import { decodeZclFrame, decodeZclHeader, decodeZclPayload, ZclGeneralCommand } from '../zcl/frame.ts';
import type { ZclCommand, ZclDirection, ZclFrameType, ZclHeader } from '../zcl/frame.ts';
import { statusName } from '../zcl/status.ts';
import { dataTypeName, ZclDataType } from '../zcl/types.ts';
import type { ZclValue } from '../zcl/types.ts';
import { utcTimeToUnixMs } from '../zcl/utc-time.ts';
import { decodeGbcsMessage } from './message.ts';
import { decryptComponent, verifyWrapperMac } from './security.ts';
import type { GbcsCrypto, MacVerdict } from './security.ts';
import { timeStatusFromClockStatus } from './time-status.ts';
import type { TimeStatus } from './time-status.ts';
import type { DecodedGbcsMessage, GbzComponent, GbzComponentLayout } from './types.ts';
import { useCaseByMessageCode } from './use-cases.ts';
import type { GbcsUseCaseName } from './use-cases.ts';

export type CraFlagName = 'command' | 'response' | 'alert';
export type ParsedZclCommand = ZclCommand['kind'];
export type ValueUnit = 'm3' | 'kWh' | 'GBP';

/** A register or money value in its unit (raw × multiplier ÷ divisor, or raw ÷ 10^trailing digits). */
export interface ScaledValue {
  amount: number;
  unit: ValueUnit;
}

/**
 * One attribute of a component. What is present depends on the ZCL command:
 * - Read Attributes (a command): `id` and `name` only — the attributes it asks for;
 * - Read Attributes Response: `status`/`statusCode`, and on SUCCESS `type` and `raw`;
 * - Report Attributes: `type` and `raw` (reports carry no status).
 * `value` is added to consumption and money attributes when the same message carries the
 * scaling attributes; `time` to UTCTime attributes (null: 0xFFFFFFFF, "no time").
 */
export interface ParsedAttribute {
  /** '0x0302'. */
  id: string;
  /** The ZigBee name ('Divisor'), or 'unknown(0x1234)'. */
  name: string;
  status?: string;
  statusCode?: number;
  /** ZCL data type name ('uint24'). */
  type?: string;
  /** Integers as numbers, octet strings as upper-case hex, character strings as text. */
  raw?: number | string;
  value?: ScaledValue;
  time?: string | null;
}

export interface ParsedZclHeader {
  frameType: ZclFrameType;
  direction: ZclDirection;
  manufacturerCode?: number;
  sequence: number;
  commandId: number;
  /** 'other': cluster-specific commands and general ones hanlab does not model (see `payload`). */
  command: ParsedZclCommand;
}

export interface ParsedComponent {
  /** 1-based, in message order. */
  index: number;
  /** '0x0702'. */
  clusterId: string;
  clusterName: string;
  encrypted: boolean;
  /** Encrypted components only: 'ok', 'no-key' (no crypto / keys) or 'invalid' (the tag does not authenticate). */
  decryption?: 'ok' | 'no-key' | 'invalid';
  /** GBZ extended-header from-date-time as ISO 8601 UTC; null when absent (or 0xFFFFFFFF). */
  fromDateTime: string | null;
  /** The ZCL header: in clear even in an encrypted component, so always known. */
  zcl: ParsedZclHeader;
  /** Empty when the payload could not be decrypted, or the command carries no attributes. */
  attributes: ParsedAttribute[];
  defaultResponse?: { commandId: number; status: string; statusCode: number };
  /** The payload of an 'other' command, as upper-case hex. */
  payload?: string;
}

export interface ParsedGbcs {
  useCase: GbcsUseCaseName;
  useCaseTitle: string;
  messageCode: number;
  /** '0x0074'. */
  messageCodeHex: string;
  /** DUIS service reference variant, '4.1.1'. */
  serviceReference: string;
  serviceName: string;
  craFlag: CraFlagName;
  /** Originator counter, decimal (a uint64). */
  counter: string;
  /** System titles, 16 upper-case hex digits. */
  originator: string;
  recipient: string;
  /**
   * The grouping-header date-time as ISO 8601 UTC; null when absent, or when present but naming
   * no single instant (unspecified fields) — `timeStatus` then still reports its clock status.
   */
  dateTime: string | null;
  /** SECMP0015 time status of the date-time; null exactly when the message carries none. */
  timeStatus: TimeStatus | null;
  mac: MacVerdict;
  components: ParsedComponent[];
}

export interface ParseOptions {
  /** Without it (or without the keys in it) the MAC is 'no-key' and encrypted components stay closed. */
  crypto?: GbcsCrypto;
  /** Entity id of the Access Control Broker, whose key (with the device's) MACs commands. */
  accessControlBroker?: Uint8Array;
}

const CRA_NAMES: Record<number, CraFlagName> = { 1: 'command', 2: 'response', 3: 'alert' };

/**
 * Parses a GBCS message. Async because MAC checking and decryption are; the structure is
 * decoded (and every structural DecodeError thrown) before any cryptography runs.
 */
export async function parseResponse(bytes: Uint8Array, options: ParseOptions = {}): Promise<ParsedGbcs> {
  // A clock_status with bits 0 and 1 both set is decoded and reported as INVALID, not refused.
  const msg = decodeGbcsMessage(bytes, { acceptBothValidityBits: true });
  const g = msg.groupingHeader;
  const useCase = useCaseByMessageCode(g.messageCode)!; // decodeGbcsMessage refuses unknown codes

  // Everything in clear first (plain components, the clear ZCL headers of encrypted ones): their
  // DecodeErrors come before any crypto work.
  const clear = msg.payload.components.map((c, i) => (c.encrypted ? clearZclHeader(msg, c, i) : parsePlainComponent(c, i, msg.layout.components[i]!)));
  const crypto = options.crypto;
  // Settle everything, then report the first failure in message order (MAC, then components),
  // so the error does not depend on which asynchronous step happened to finish first.
  const settled = await Promise.allSettled([
    crypto ? verifyWrapperMac(bytes, crypto, options.accessControlBroker ? { accessControlBroker: options.accessControlBroker } : {}) : Promise.resolve<MacVerdict>('no-key'),
    ...msg.payload.components.map((c, i) => {
      const done = clear[i]!;
      return 'index' in done ? Promise.resolve(done) : parseEncryptedComponent(msg, c, i, done, crypto);
    }),
  ]);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const [mac, ...rest] = settled.map((s) => (s as PromiseFulfilledResult<MacVerdict | ParsedComponent>).value);
  const components = rest as ParsedComponent[];
  applyScaling(components);

  return {
    useCase: useCase.name,
    useCaseTitle: useCase.title,
    messageCode: g.messageCode,
    messageCodeHex: hex4(g.messageCode),
    serviceReference: useCase.srv,
    serviceName: useCase.srvName,
    craFlag: CRA_NAMES[g.craFlag]!,
    counter: g.originatorCounter.toString(),
    originator: toHex(g.originatorSystemTitle),
    recipient: toHex(g.recipientSystemTitle),
    dateTime: g.dateTime === null ? null : dlmsDateTimeToIso(g.dateTime),
    timeStatus: g.dateTime === null ? null : timeStatusFromClockStatus(g.dateTime.clockStatus),
    mac: mac as MacVerdict,
    components,
  };
}

function componentBase(c: GbzComponent, i: number, decryption?: ParsedComponent['decryption']): Pick<ParsedComponent, 'index' | 'clusterId' | 'clusterName' | 'encrypted' | 'decryption' | 'fromDateTime'> {
  return {
    index: i + 1,
    clusterId: hex4(c.clusterId),
    clusterName: clusterName(c.clusterId),
    encrypted: c.encrypted,
    ...(decryption !== undefined && { decryption }),
    fromDateTime: c.fromDateTime === null ? null : utcIso(c.fromDateTime),
  };
}

function parsePlainComponent(c: GbzComponent, i: number, layout: GbzComponentLayout): ParsedComponent {
  if (c.encrypted) throw new Error('internal: parsePlainComponent on an encrypted component');
  const frame = decodeZclFrame(c.zcl, layout.body.start);
  return { ...componentBase(c, i), zcl: zclHeaderOf(frame.header, frame.command.kind), ...commandContents(c.clusterId, frame.command) };
}

/** The clear ZCL header of an encrypted component. */
function clearZclHeader(msg: DecodedGbcsMessage, c: GbzComponent, i: number): ZclHeader {
  if (!c.encrypted) throw new Error('internal: clearZclHeader on a plain component');
  // The clear ZCL header sits 2 octets (additional header control, frame counter) into the body.
  const headerAt = msg.layout.components[i]!.encrypted!.clearHeader.start + 2;
  const h = c.zclHeader;
  return decodeZclHeader(new ByteReader(Uint8Array.of(h.frameControl, h.sequenceNumber, h.commandId), headerAt));
}

async function parseEncryptedComponent(msg: DecodedGbcsMessage, c: GbzComponent, i: number, header: ZclHeader, crypto: GbcsCrypto | undefined): Promise<ParsedComponent> {
  if (!c.encrypted) throw new Error('internal: parseEncryptedComponent on a plain component');
  const layout = msg.layout.components[i]!.encrypted!;
  const zcl = zclHeaderOf(header, commandKind(header));
  if (!crypto) return { ...componentBase(c, i, 'no-key'), zcl, attributes: [] };
  const g = msg.groupingHeader;
  const result = await decryptComponent(
    {
      originator: g.originatorSystemTitle,
      recipient: g.recipientSystemTitle,
      counter: g.originatorCounter,
      securityControl: c.securityHeader.securityControl,
      invocationCounter: c.securityHeader.invocationCounter,
      ciphertext: c.ciphertext,
      tag: c.tag,
    },
    crypto,
  );
  if (result.status !== 'ok') return { ...componentBase(c, i, result.status), zcl, attributes: [] };
  // GCM keeps lengths: plaintext byte k sits where ciphertext byte k does in the message.
  const command = decodeZclPayload(new ByteReader(result.plaintext, layout.ciphertext.start), header);
  return { ...componentBase(c, i, 'ok'), zcl, ...commandContents(c.clusterId, command) };
}

/** The command a ZCL header announces (as decodeZclPayload would decode its payload). */
function commandKind(h: ZclHeader): ParsedZclCommand {
  if (h.frameType !== 'global') return 'other';
  for (const [kind, id] of Object.entries(ZclGeneralCommand)) if (id === h.commandId) return kind as ParsedZclCommand;
  return 'other';
}

function zclHeaderOf(h: ZclHeader, command: ParsedZclCommand): ParsedZclHeader {
  return {
    frameType: h.frameType,
    direction: h.direction,
    ...(h.manufacturerCode !== undefined && { manufacturerCode: h.manufacturerCode }),
    sequence: h.sequence,
    commandId: h.commandId,
    command,
  };
}

function commandContents(clusterId: number, command: ZclCommand): Pick<ParsedComponent, 'attributes' | 'defaultResponse' | 'payload'> {
  switch (command.kind) {
    case 'readAttributes':
      return { attributes: command.attributeIds.map((id) => named(clusterId, id)) };
    case 'readAttributesResponse':
      return {
        attributes: command.records.map((r) => ({
          ...named(clusterId, r.attributeId),
          status: statusName(r.status),
          statusCode: r.status,
          ...('type' in r ? typed(r.type, r.value) : {}),
        })),
      };
    case 'reportAttributes':
      return { attributes: command.reports.map((r) => ({ ...named(clusterId, r.attributeId), ...typed(r.type, r.value) })) };
    case 'defaultResponse':
      return { attributes: [], defaultResponse: { commandId: command.commandId, status: statusName(command.status), statusCode: command.status } };
    case 'other':
      return { attributes: [], payload: toHex(command.payload) };
  }
}

function named(clusterId: number, attributeId: number): ParsedAttribute {
  return { id: hex4(attributeId), name: attributeInfo(clusterId, attributeId)?.name ?? `unknown(${hex4(attributeId)})` };
}

function typed(type: number, value: ZclValue): Pick<ParsedAttribute, 'type' | 'raw' | 'time'> {
  const raw = value instanceof Uint8Array ? toHex(value) : value;
  if (type === ZclDataType.utcTime && typeof value === 'number') return { type: dataTypeName(type), raw, time: utcIso(value) };
  return { type: dataTypeName(type), raw };
}

/** UTCTime as 'YYYY-MM-DDTHH:MM:SSZ', or null for 0xFFFFFFFF. */
function utcIso(v: number): string | null {
  const ms = utcTimeToUnixMs(v);
  return ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z');
}

// ---------------------------------------------------------------------------------------------
// Scaling (docs/decisions.md, "Parse & Correlate")
// ---------------------------------------------------------------------------------------------

const METERING = 0x0702;
const PRICE = 0x0700;
const PREPAYMENT = 0x0705;

/** Energy or volume registers: raw × Multiplier ÷ Divisor, in UnitOfMeasure. */
const CONSUMPTION_ATTRIBUTES: ReadonlySet<number> = new Set<number>([
  Metering.CurrentSummationDelivered.id,
  Metering.CurrentTier1SummationDelivered.id,
  Metering.CurrentTier2SummationDelivered.id,
  Metering.CurrentTier3SummationDelivered.id,
  Metering.CurrentTier4SummationDelivered.id,
  Metering.CurrentNoTierBlock1SummationDelivered.id,
  Metering.CurrentNoTierBlock2SummationDelivered.id,
  Metering.CurrentNoTierBlock3SummationDelivered.id,
  Metering.CurrentNoTierBlock4SummationDelivered.id,
]);

/** Money, in currency units with PriceTrailingDigit decimal places, per cluster. */
const MONEY_ATTRIBUTES: ReadonlyMap<number, ReadonlySet<number>> = new Map([
  [METERING, new Set<number>([Metering.BillToDateDelivered.id])],
  [
    PREPAYMENT,
    new Set<number>([
      Prepayment.CreditRemaining.id,
      Prepayment.EmergencyCreditRemaining.id,
      Prepayment.AccumulatedDebt.id,
      Prepayment.EmergencyCreditLimit.id,
      Prepayment.IHDLowCreditWarning.id,
      Prepayment.DebtAmount1.id,
      Prepayment.DebtAmount2.id,
      Prepayment.DebtAmount3.id,
    ]),
  ],
]);

const UNITS: ReadonlyMap<number, ValueUnit> = new Map([
  [UnitOfMeasure.kWh, 'kWh'],
  [UnitOfMeasure.m3, 'm3'],
]);

/** '0x0702' → 0x0702. */
function idOf(hex: string): number {
  return Number.parseInt(hex.slice(2), 16);
}

/** The first successfully read (or reported) integer value of an attribute anywhere in the message. */
function findRaw(components: readonly ParsedComponent[], clusterId: number, attributeId: number): number | undefined {
  const cluster = hex4(clusterId);
  const id = hex4(attributeId);
  for (const c of components) {
    if (c.clusterId !== cluster) continue;
    for (const a of c.attributes) {
      if (a.id === id && typeof a.raw === 'number' && (a.statusCode === undefined || a.statusCode === 0)) return a.raw;
    }
  }
  return undefined;
}

/**
 * Adds `value` to consumption and money attributes, using only scaling attributes the same
 * message carries (Parse & Correlate correlates within a response; it never assumes a divisor):
 * - consumption: Multiplier, Divisor (non-zero) and UnitOfMeasure (0 kWh, 1 m³) of Metering;
 * - money: Price's PriceTrailingDigit (bits 4–7 = decimal places) and Currency 826 (GBP).
 * Without them (GCS60 / GCS60a, ERROR responses whose scaling read failed) only `raw` is given.
 */
function applyScaling(components: ParsedComponent[]): void {
  const multiplier = findRaw(components, METERING, Metering.Multiplier.id);
  const divisor = findRaw(components, METERING, Metering.Divisor.id);
  const uom = findRaw(components, METERING, Metering.UnitOfMeasure.id);
  const unit = uom === undefined ? undefined : UNITS.get(uom);
  const consumption = multiplier !== undefined && divisor !== undefined && divisor !== 0 && unit !== undefined ? { multiplier, divisor, unit } : undefined;

  const trailing = findRaw(components, PRICE, Price.PriceTrailingDigit.id);
  const currency = findRaw(components, PRICE, Price.Currency.id);
  const places = trailing !== undefined && currency === CURRENCY_GBP ? priceDecimalPlaces(trailing) : undefined;

  for (const c of components) {
    const clusterId = idOf(c.clusterId);
    const money = MONEY_ATTRIBUTES.get(clusterId);
    for (const a of c.attributes) {
      if (typeof a.raw !== 'number' || (a.statusCode !== undefined && a.statusCode !== 0)) continue;
      const id = idOf(a.id);
      if (clusterId === METERING && CONSUMPTION_ATTRIBUTES.has(id) && consumption) {
        a.value = { amount: (a.raw * consumption.multiplier) / consumption.divisor, unit: consumption.unit };
      } else if (money?.has(id) && places !== undefined) {
        a.value = { amount: a.raw / 10 ** places, unit: 'GBP' };
      }
    }
  }
}
