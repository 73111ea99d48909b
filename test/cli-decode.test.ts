/**
 * `hanlab decode` end to end: the CLI's main in this process (test/support/cli.ts), and the real
 * bin/hanlab.js in a child process, as a person runs it, where the message comes on standard input.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RTDS_VECTORS } from '../bench/vectors.ts';
import { fromHex, toHex } from '../firmware/codec/hex.ts';
import { hanlab as hanlabHere, spawnHanlab } from './support/cli.ts';
import type { CliRun as Run } from './support/cli.ts';
const VECTORS = RTDS_VECTORS;
const KEYSTORE = fileURLToPath(new URL('keystore/', VECTORS));
/** 'GCS13a_4.1.1_…' lives in '4.1.1_GCS13a/'. */
const vectorPath = (file: string) => {
  const [useCase, srv] = file.split('_');
  return fileURLToPath(new URL(`${srv}_${useCase}/${file}`, VECTORS));
};

const GCS13A_GSME = vectorPath('GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_RESPONSE_GBCS.HEX');
const GCS13A_COMMAND = vectorPath('GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_COMMAND_GBCS.HEX');
const GCS14_UNRELIABLE = vectorPath('GCS14_4.3_SUCCESS_UNRELIABLE_RESPONSE_GBCS.HEX');
const command = fromHex(readFileSync(GCS13A_COMMAND, 'utf8'));

/** With `stdin`, bin/hanlab.js in a child process that reads it; without, main in this process. */
function hanlab(args: string[], stdin?: string): Promise<Run> {
  return stdin !== undefined ? spawnHanlab(args, { stdin, timeoutMs: 20_000 }) : hanlabHere(...args);
}

/** Exit 2, nothing on stdout, exactly one line on stderr. */
function expectOneLineFailure(r: Run): string {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

const DECODE_LINE = /^hanlab decode: at byte (\d+): expected (.+), found (.+)$/;

function mutated(f: (b: Uint8Array) => Uint8Array): string {
  return toHex(f(command.slice()));
}

describe('hanlab decode', () => {
  it('a vector file with the key store → JSON with use case, time status, MAC and scaled register', async () => {
    const r = await hanlab(['decode', `@${GCS13A_GSME}`, '--keystore', KEYSTORE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\{\n {2}"useCase": "GCS13a",\n/); // 2-space indent
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({
      useCase: 'GCS13a',
      messageCode: 0x74,
      messageCodeHex: '0x0074',
      serviceReference: '4.1.1',
      serviceName: 'Read Instantaneous Import Registers',
      craFlag: 'response',
      counter: '1000',
      originator: '00DB1234567890A3',
      recipient: '90B3D51F30010000',
      dateTime: '2015-01-01T00:00:00Z',
      timeStatus: { isFromGsme: true, clockStatus: 'RELIABLE' },
      mac: 'valid',
    });
    expect(p.components[0].decryption).toBe('ok');
    expect(p.components[0].attributes[3]).toEqual({ id: '0x0000', name: 'CurrentSummationDelivered', status: 'SUCCESS', statusCode: 0, type: 'uint48', raw: 12345, value: { amount: 12.345, unit: 'm3' } });
  });

  it('without a key store: header and time status decode, the encrypted component is no-key', async () => {
    const r = await hanlab(['decode', `@${GCS13A_GSME}`]);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect([p.mac, p.timeStatus.isFromGsme, p.components[0].encrypted, p.components[0].decryption, p.components[0].attributes]).toEqual(['no-key', true, true, 'no-key', []]);
  });

  it('a command: the ACB key from the key store verifies its MAC', async () => {
    const r = await hanlab(['decode', `@${GCS13A_COMMAND}`, '--keystore', KEYSTORE]);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect([p.craFlag, p.mac, p.dateTime, p.timeStatus]).toEqual(['command', 'valid', null, null]);
    expect(p.components[0].attributes.map((a: { id: string }) => a.id)).toEqual(['0x0302', '0x0301', '0x0300', '0x0000']);
  });

  it('--xml: MMC-style XML with IsFromGSME and ClockStatus on the timestamp', async () => {
    const r = await hanlab(['decode', `@${GCS14_UNRELIABLE}`, '--xml', '--keystore', KEYSTORE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n')).toBe(true);
    expect(r.stdout).toContain('<ServiceReferenceVariant>4.3</ServiceReferenceVariant>');
    expect(r.stdout).toContain('<Timestamp IsFromGSME="false" ClockStatus="UNRELIABLE">2015-01-01T09:00:00Z</Timestamp>');
    expect(r.stdout).toContain('<Value Unit="GBP">25</Value>');
    expect(r.stdout.endsWith('</Response>\n')).toBe(true);
  });

  it('@- reads the hex from standard input (spaces and newlines allowed); plain HEX works too', async () => {
    const hex = readFileSync(GCS13A_GSME, 'utf8').trim();
    const spaced = (hex.match(/.{1,8}/g) ?? []).join(' \n');
    const fromStdin = await hanlab(['decode', '@-', '--xml'], spaced);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toContain('<Timestamp IsFromGSME="true" ClockStatus="RELIABLE">2015-01-01T00:00:00Z</Timestamp>');
    const inline = await hanlab(['decode', hex]);
    expect(JSON.parse(inline.stdout).useCase).toBe('GCS13a');
  });

  it('--help describes the command', async () => {
    const r = await hanlab(['decode', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hanlab decode <HEX | @FILE | @-> [--xml] [--keystore DIR]');
    expect(r.stdout).toContain('--keystore DIR');
  });

  describe('bad input: exit 2 and one line naming byte offset, expected and found', () => {
    const cases: [string, string, RegExp][] = [
      ['a character that is not hex', 'DD00 00G0', /^hanlab decode: at byte 3: expected a hex digit, found "G" \(character 7\)$/],
      ['an odd number of digits', 'DD0', /^hanlab decode: at byte 1: expected an even number of hex digits, found 3 digits$/],
      ['empty input', '', /^hanlab decode: at byte 0: expected general-ciphering tag \(1 byte\), found end of data$/],
      ['not a GBCS message', '0102', /^hanlab decode: at byte 0: expected general-ciphering tag 0xDD, found 0x01$/],
      ['a truncated message', toHex(command.subarray(0, 40)), /^hanlab decode: at byte 40: expected 39 more byte\(s\): the general-ciphering length at byte 7 says 71 follow, found end of data$/],
      ['the README example', 'DD00000000000047110000', /^hanlab decode: at byte 11: expected 68 more byte\(s\): the general-ciphering length at byte 7 says 71 follow, found end of data$/],
      ['an unknown message code', mutated((b) => ((b[45] = 0x99), b)), /^hanlab decode: at byte 44: expected a known GBCS message code \(GCS13a 0x0074.*\), found 0x0099$/],
      ['bytes after the MAC', toHex(command) + '00', /^hanlab decode: at byte 79: expected end of the message \(the general-ciphering length at byte 7 says 71 bytes follow\), found 1 more byte\(s\)$/],
      ['an inconsistent content length', mutated((b) => ((b[46] = b[46]! + 1), b)), /^hanlab decode: at byte 66: expected end of the GBZ payload after 1 component\(s\) \(component count at byte 49\), found 1 more byte\(s\)$/],
      ['an inconsistent component length', mutated((b) => ((b[54] = b[54]! + 1), b)), /^hanlab decode: at byte 53: expected a GBZ component length of at most 11 .+, found 12$/],
    ];
    for (const [what, input, line] of cases) {
      it(what, async () => {
        const text = expectOneLineFailure(await hanlab(['decode', input]));
        expect(text).toMatch(DECODE_LINE);
        expect(text).toMatch(line);
      });
    }

    it('a malformed message on standard input', async () => {
      expect(expectOneLineFailure(await hanlab(['decode', '@-'], 'DD 00 00\n'))).toMatch(/^hanlab decode: at byte 3: expected general-ciphering recipient-system-title length \(1 byte\), found end of data$/);
    });
  });

  describe('usage errors: exit 2 and one line', () => {
    it('an unknown flag', async () => {
      expect(expectOneLineFailure(await hanlab(['decode', 'DD', '--bogus']))).toBe('hanlab decode: --bogus: unknown option (see hanlab decode --help)');
    });

    it('no message, or two', async () => {
      expect(expectOneLineFailure(await hanlab(['decode']))).toBe('hanlab decode: expected a message: HEX, @FILE or @- (see hanlab decode --help)');
      expect(expectOneLineFailure(await hanlab(['decode', 'DD', 'DD']))).toBe('hanlab decode: expected one message, found 2 arguments');
    });

    it('a missing file names the path', async () => {
      expect(expectOneLineFailure(await hanlab(['decode', '@/no/such/message.hex']))).toBe('hanlab decode: cannot read /no/such/message.hex: no such file or directory');
    });

    it('a bad key store directory names the path', async () => {
      expect(expectOneLineFailure(await hanlab(['decode', `@${GCS13A_GSME}`, '--keystore', '/no/such/keystore']))).toBe('hanlab decode: --keystore: cannot read directory "/no/such/keystore" (no such file or directory)');
      expect(expectOneLineFailure(await hanlab(['decode', `@${GCS13A_GSME}`, '--keystore', GCS13A_GSME]))).toBe(`hanlab decode: --keystore: cannot read directory "${GCS13A_GSME}" (not a directory)`);
    });
  });
});
