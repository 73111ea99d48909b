/**
 * A device's non-volatile record: what it keeps through a power cut (docs/decisions.md "Power
 * loss"). Machines never touch storage: they emit `{ type: 'persist', record }` and the runtime
 * writes it (firmware/runtime/persist.ts); at start the runtime reads it back into
 * `input.restored`, and the machine's context factory takes it through `decodeRecord`.
 *
 * Format: JSON `{"v":1,"k":"gsme","eui":"…","f":{ field: value, … }}`. `v` is the format version
 * (a record of another version is not read: cold start), `k` and `eui` must be this device's,
 * `f` holds the kept context fields, each checked by its checker. A field the record lacks keeps
 * its initial value (so adding a field needs no new version); a field that fails its check, or
 * any other damage, rejects the whole record: a cold start with a warning, never a crash.
 */
import type { LogEmitted } from './han-events.ts';

export const RECORD_VERSION = 1;

export interface PersistEmitted {
  type: 'persist';
  /** The whole record, JSON. */
  record: string;
}

export type FieldCheck = (v: unknown) => boolean;

export function encodeRecord(kind: string, eui: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ v: RECORD_VERSION, k: kind, eui: eui, f: fields });
}

/** The kept fields of `context` named by `checks` (in that order). */
export function pickFields(context: object, checks: Record<string, FieldCheck>): Record<string, unknown> {
  const c = context as Record<string, unknown>;
  const f: Record<string, unknown> = {};
  for (const k in checks) f[k] = c[k];
  return f;
}

/**
 * The fields of a stored record, checked; or why it cannot be used (a string). `text` undefined
 * or null (nothing stored) gives an empty object: a first start.
 */
export function decodeRecord(text: unknown, kind: string, eui: string, checks: Record<string, FieldCheck>): Record<string, unknown> | string {
  if (text === undefined || text === null) return {};
  if (typeof text !== 'string') return 'not text';
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch (e) {
    return 'not JSON';
  }
  if (!isObj(r)) return 'not an object';
  if (r['v'] !== RECORD_VERSION) return 'format version ' + JSON.stringify(r['v']) + ', expected ' + RECORD_VERSION;
  if (r['k'] !== kind) return 'a record of ' + JSON.stringify(r['k']);
  if (r['eui'] !== eui) return 'a record of EUI ' + JSON.stringify(r['eui']);
  const f = r['f'];
  if (!isObj(f)) return 'no fields';
  const out: Record<string, unknown> = {};
  for (const k in checks) {
    if (!(k in f)) continue;
    if (!checks[k]!(f[k])) return 'field ' + k + ' malformed';
    out[k] = f[k];
  }
  return out;
}

/** The log line a restore leaves: info when restored, warn when the record could not be used. */
export function restoreNote(result: Record<string, unknown> | string, hadRecord: boolean): LogEmitted[] {
  if (typeof result === 'string') return [{ type: 'log', level: 'warn', message: 'stored state unusable: cold start', data: { reason: result } }];
  return hadRecord ? [{ type: 'log', level: 'info', message: 'state restored from storage', data: { fields: Object.keys(result).length } }] : [];
}

// --- checkers (no Number.isFinite / isInteger: Espruino lacks them) ---

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export const isNum: FieldCheck = (v) => typeof v === 'number' && isFinite(v);
export const isInt: FieldCheck = (v) => isNum(v) && Math.floor(v as number) === v;
export const isCount: FieldCheck = (v) => isInt(v) && (v as number) >= 0;
export const isByte: FieldCheck = (v) => isCount(v) && (v as number) <= 0xff;
export const isBool: FieldCheck = (v) => v === true || v === false;
export const isStr: FieldCheck = (v) => typeof v === 'string';
export function orNull(check: FieldCheck): FieldCheck {
  return (v) => v === null || check(v);
}
export function arrayOf(check: FieldCheck, length?: number): FieldCheck {
  return (v) => {
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) return false;
    for (let i = 0; i < v.length; i++) if (!check(v[i])) return false;
    return true;
  };
}
/** An object with exactly the checked keys (no more, none missing). */
export function shape(checks: Record<string, FieldCheck>): FieldCheck {
  return (v) => {
    if (!isObj(v)) return false;
    for (const k in checks) if (!(k in v) || !checks[k]!(v[k])) return false;
    for (const k in v) if (!(k in checks)) return false;
    return true;
  };
}
