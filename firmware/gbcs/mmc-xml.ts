/**
 * An MMC-style XML rendering of a parsed GBCS message: what a supplier system would read from
 * DCC's Message Mapping Catalogue (MMC) output, shaped after DUIS/MMC conventions —
 *
 *   <Response>                              (Request for a command, Alert for an alert)
 *     <Header>                              RequestID = BusinessOriginatorID:BusinessTargetID:
 *       <RequestID>…</RequestID>            OriginatorCounter (EUI-64s as XX-XX-…, counter in
 *       <ResponseID>…</ResponseID>          decimal); ResponseID the same from the device side
 *     </Header>
 *     <Body>
 *       <ResponseMessage>
 *         <ServiceReference>4.1</ServiceReference>
 *         <ServiceReferenceVariant>4.1.1</ServiceReferenceVariant>
 *         <MessageCode>0074</MessageCode>
 *         <GBCSHeader>…</GBCSHeader>        use case, CRA flag, counter, system titles, MAC
 *         <SMETSData MessageSuccess="true"> (responses and alerts)
 *           <ReadInstantaneousImportRegistersRsp>   service request name + "Rsp"
 *             <Timestamp IsFromGSME="true" ClockStatus="RELIABLE">2015-01-01T00:00:00Z</Timestamp>
 *             <Component …><Attribute …><Raw>…</Raw><Value Unit="m3">12.345</Value></Attribute></Component>
 *
 * SECMP0015 adds the two optional attributes `IsFromGSME` and `ClockStatus` on the response
 * timestamp; the element is absent when the message carries no date-time (commands, GCS60).
 * This is a plausible, well-formed rendering for people and tests, not output validated
 * against DCC's MMC XML schema (docs/decisions.md, "Parse & Correlate").
 *
 * Portable: plain strings only.
 */
import type { CraFlagName, ParsedAttribute, ParsedComponent, ParsedGbcs } from './parse.ts';

const ROOT: Record<CraFlagName, { root: string; message: string; suffix: string }> = {
  command: { root: 'Request', message: 'RequestMessage', suffix: '' },
  response: { root: 'Response', message: 'ResponseMessage', suffix: 'Rsp' },
  alert: { root: 'Alert', message: 'AlertMessage', suffix: 'Alert' },
};

const INDENT = '  ';

/** Renders `parsed` as an XML document (UTF-8, two-space indent, ending with a newline). */
export function renderMmcXml(parsed: ParsedGbcs): string {
  const kind = ROOT[parsed.craFlag];
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const line = (depth: number, text: string) => out.push(INDENT.repeat(depth) + text);
  const leaf = (depth: number, name: string, text: string, attrs: Attrs = {}) => line(depth, `<${name}${attributes(attrs)}>${escapeText(text)}</${name}>`);

  // The business originator is whoever sent the request: the originator of a command, the
  // recipient of a response or alert.
  const [business, device] = parsed.craFlag === 'command' ? [parsed.originator, parsed.recipient] : [parsed.recipient, parsed.originator];

  line(0, `<${kind.root}>`);
  line(1, '<Header>');
  leaf(2, 'RequestID', `${eui64(business)}:${eui64(device)}:${parsed.counter}`);
  if (parsed.craFlag !== 'command') leaf(2, 'ResponseID', `${eui64(parsed.originator)}:${eui64(parsed.recipient)}:${parsed.counter}`);
  line(1, '</Header>');
  line(1, '<Body>');
  line(2, `<${kind.message}>`);
  leaf(3, 'ServiceReference', serviceReference(parsed.serviceReference));
  leaf(3, 'ServiceReferenceVariant', parsed.serviceReference);
  leaf(3, 'ServiceName', parsed.serviceName);
  leaf(3, 'MessageCode', parsed.messageCodeHex.slice(2));
  line(3, '<GBCSHeader>');
  leaf(4, 'UseCase', parsed.useCase, { Title: parsed.useCaseTitle });
  leaf(4, 'CRAFlag', parsed.craFlag);
  leaf(4, 'OriginatorCounter', parsed.counter);
  leaf(4, 'OriginatorSystemTitle', parsed.originator);
  leaf(4, 'RecipientSystemTitle', parsed.recipient);
  leaf(4, 'MAC', parsed.mac);
  line(3, '</GBCSHeader>');

  let depth = 3;
  if (parsed.craFlag !== 'command') {
    const success = messageSuccess(parsed.components);
    line(depth++, `<SMETSData${attributes(success === undefined ? {} : { MessageSuccess: String(success) })}>`);
  }
  const payload = elementName(parsed.serviceName) + kind.suffix;
  line(depth++, `<${payload}>`);
  if (parsed.timeStatus !== null) {
    const attrs = { IsFromGSME: String(parsed.timeStatus.isFromGsme), ClockStatus: parsed.timeStatus.clockStatus };
    if (parsed.dateTime === null) line(depth, `<Timestamp${attributes(attrs)}/>`);
    else leaf(depth, 'Timestamp', parsed.dateTime, attrs);
  }
  for (const c of parsed.components) renderComponent(c, depth, line, leaf);
  line(--depth, `</${payload}>`);
  if (parsed.craFlag !== 'command') line(--depth, '</SMETSData>');
  line(2, `</${kind.message}>`);
  line(1, '</Body>');
  line(0, `</${kind.root}>`);
  return out.join('\n') + '\n';
}

type Attrs = Record<string, string | number | boolean | undefined>;

function renderComponent(c: ParsedComponent, depth: number, line: (d: number, t: string) => void, leaf: (d: number, n: string, t: string, a?: Attrs) => void): void {
  const attrs: Attrs = {
    Index: c.index,
    ClusterID: c.clusterId,
    ClusterName: c.clusterName,
    Encrypted: c.encrypted,
    Decryption: c.decryption,
    Command: c.zcl.command,
    CommandID: c.zcl.commandId,
    Sequence: c.zcl.sequence,
    FromDateTime: c.fromDateTime ?? undefined,
  };
  const empty = c.attributes.length === 0 && c.defaultResponse === undefined && c.payload === undefined;
  if (empty) {
    line(depth, `<Component${attributes(attrs)}/>`);
    return;
  }
  line(depth, `<Component${attributes(attrs)}>`);
  for (const a of c.attributes) renderAttribute(a, depth + 1, line, leaf);
  if (c.defaultResponse) {
    line(depth + 1, `<DefaultResponse${attributes({ CommandID: c.defaultResponse.commandId, Status: c.defaultResponse.status, StatusCode: c.defaultResponse.statusCode })}/>`);
  }
  if (c.payload !== undefined) leaf(depth + 1, 'Payload', c.payload);
  line(depth, '</Component>');
}

function renderAttribute(a: ParsedAttribute, depth: number, line: (d: number, t: string) => void, leaf: (d: number, n: string, t: string, a?: Attrs) => void): void {
  const attrs = attributes({ ID: a.id, Name: a.name, Status: a.status, StatusCode: a.statusCode, Type: a.type });
  if (a.raw === undefined) {
    line(depth, `<Attribute${attrs}/>`);
    return;
  }
  line(depth, `<Attribute${attrs}>`);
  leaf(depth + 1, 'Raw', String(a.raw));
  if (a.value) leaf(depth + 1, 'Value', decimal(a.value.amount), { Unit: a.value.unit });
  if (a.time !== undefined) {
    if (a.time === null) line(depth + 1, '<Time Valid="false"/>');
    else leaf(depth + 1, 'Time', a.time);
  }
  line(depth, '</Attribute>');
}

/**
 * false when any status the message shows is not SUCCESS; true when every component was read and
 * all are SUCCESS; undefined (attribute left out) when a component could not be decrypted and
 * nothing visible failed.
 */
function messageSuccess(components: readonly ParsedComponent[]): boolean | undefined {
  let unknown = false;
  for (const c of components) {
    if (c.defaultResponse && c.defaultResponse.statusCode !== 0) return false;
    if (c.attributes.some((a) => a.statusCode !== undefined && a.statusCode !== 0)) return false;
    if (c.decryption !== undefined && c.decryption !== 'ok') unknown = true;
  }
  return unknown ? undefined : true;
}

/** DUIS ServiceReference: the first two levels of the variant ('4.1.1' → '4.1', '4.18' → '4.18'). */
function serviceReference(variant: string): string {
  return variant.split('.').slice(0, 2).join('.');
}

/** 'Read Instantaneous Import TOU Matrices' → 'ReadInstantaneousImportTOUMatrices'. */
function elementName(serviceName: string): string {
  const name = serviceName.replace(/[^A-Za-z0-9]+/g, '');
  return /^[A-Za-z]/.test(name) ? name : `Service${name}`;
}

/** 16 hex digits → DUIS EUI-64 form '00-DB-12-34-56-78-90-A3'. */
function eui64(hex: string): string {
  return (hex.match(/../g) ?? []).join('-');
}

/** A number without exponent notation (1e-7 → 0.0000001). */
function decimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

function attributes(attrs: Attrs): string {
  let s = '';
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) s += ` ${k}="${escapeAttribute(String(v))}"`;
  return s;
}

/**
 * Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; lone surrogates;
 * U+FFFE/U+FFFF), e.g. from a ZCL character string: replaced by U+FFFD.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeText(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}
