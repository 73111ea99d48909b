import { hex4 } from '../codec/hex.ts';

/**
 * The GBCS use cases hanlab serves (SECMP0015 sections 2 and 4), keyed by the message code in the
 * grouping header's other-information. Attribute lists are in the order the RTDS 4.5.0 commands
 * read them; `encryptedInResponse` says whether the successful response carries that component's
 * ZCL payload encrypted (GBZ extended-header control bit 1).
 */
export type GbcsUseCaseName = 'GCS13a' | 'GCS13c' | 'GCS13b' | 'GCS14' | 'GCS60' | 'GCS60a';

export interface GbcsUseCaseRead {
  clusterId: number;
  attributes: readonly number[];
  encryptedInResponse: boolean;
}

export interface GbcsUseCase {
  name: GbcsUseCaseName;
  messageCode: number;
  /** DCC service request (DUIS) number. */
  srv: string;
  srvName: string;
  /** GBCS use-case title. */
  title: string;
  /** Whether the response's grouping header carries a date-time (0x0C + 12 octets). */
  responseHasDateTime: boolean;
  /** Components of the command, in order; the response answers them in the same order. */
  reads: readonly GbcsUseCaseRead[];
}

const METERING = 0x0702;
const PRICE = 0x0700;
const PREPAYMENT = 0x0705;

export const GBCS_USE_CASES: readonly GbcsUseCase[] = [
  {
    name: 'GCS13a',
    messageCode: 0x0074,
    srv: '4.1.1',
    srvName: 'Read Instantaneous Import Registers',
    title: 'Read GSME Consumption Register',
    responseHasDateTime: true,
    reads: [{ clusterId: METERING, attributes: [0x0302, 0x0301, 0x0300, 0x0000], encryptedInResponse: true }],
  },
  {
    name: 'GCS13c',
    messageCode: 0x00b6,
    srv: '4.1.2',
    srvName: 'Read Instantaneous Import TOU Matrices',
    title: 'Read GSME Register (TOU)',
    responseHasDateTime: true,
    reads: [{ clusterId: METERING, attributes: [0x0302, 0x0301, 0x0300, 0x0100, 0x0102, 0x0104, 0x0106], encryptedInResponse: true }],
  },
  {
    name: 'GCS13b',
    messageCode: 0x00b8,
    srv: '4.1.4',
    srvName: 'Read Instantaneous Import Block Counters',
    title: 'Read GSME Block Counters',
    responseHasDateTime: true,
    reads: [{ clusterId: METERING, attributes: [0x0700, 0x0701, 0x0702, 0x0703, 0x0302, 0x0301, 0x0300], encryptedInResponse: true }],
  },
  {
    name: 'GCS14',
    messageCode: 0x0075,
    srv: '4.3',
    srvName: 'Read Instantaneous Prepay Values',
    title: 'Read GSME Prepayment Register(s)',
    responseHasDateTime: true,
    reads: [
      { clusterId: PRICE, attributes: [0x0617, 0x0616], encryptedInResponse: false },
      { clusterId: PREPAYMENT, attributes: [0x0005, 0x0002, 0x0001, 0x0231, 0x0211, 0x0221], encryptedInResponse: true },
    ],
  },
  {
    name: 'GCS60',
    messageCode: 0x008d,
    srv: '4.18',
    srvName: 'Read Meter Balance',
    title: 'Read Meter Balance for GSME (legacy: no date-time in the response)',
    responseHasDateTime: false,
    reads: [
      { clusterId: METERING, attributes: [0x0a00], encryptedInResponse: false },
      { clusterId: PREPAYMENT, attributes: [0x0001], encryptedInResponse: false },
    ],
  },
  {
    name: 'GCS60a',
    messageCode: 0x012a,
    srv: '4.18',
    srvName: 'Read Meter Balance',
    title: 'Read Meter Balance for GSME (the response carries the date-time)',
    responseHasDateTime: true,
    reads: [
      { clusterId: METERING, attributes: [0x0a00], encryptedInResponse: false },
      { clusterId: PREPAYMENT, attributes: [0x0001], encryptedInResponse: false },
    ],
  },
];

export function useCaseByMessageCode(code: number): GbcsUseCase | undefined {
  return GBCS_USE_CASES.find((u) => u.messageCode === code);
}

export function useCaseByName(name: GbcsUseCaseName): GbcsUseCase {
  return GBCS_USE_CASES.find((u) => u.name === name)!;
}

/** For error messages: 'a known GBCS message code (GCS13a 0x0074, GCS13c 0x00B6, …)'. */
export const KNOWN_MESSAGE_CODES_TEXT = `a known GBCS message code (${GBCS_USE_CASES.map((u) => `${u.name} ${hex4(u.messageCode)}`).join(', ')})`;
