/** The supplier's and the DCC's side: service requests over the WAN, the premises' postcode and MPRN, SMI states. */
import { PostcodeError, parsePostcode } from '../../dcc/coverage.ts';
import { DEVICE_STATES } from '../../dcc/states.ts';
import { z } from 'zod';
import { enumOf, fail, strict, timeRef } from './fields.ts';

export const serviceRequestSchema = strict(
  {
    at: timeRef(),
    useCase: enumOf(['GCS13a', 'GCS13b', 'GCS13c', 'GCS14', 'GCS60', 'GCS60a']),
  },
  'at, useCase',
);

const POSTCODE = "a GB postcode like 'SW1A 1AA'";
export const postcodeSchema = z.string({ error: POSTCODE }).transform((v, ctx) => {
  try {
    const p = parsePostcode(v);
    if (p.kind === 'postcode') return p.normalised;
    fail(ctx, `${POSTCODE} (a whole postcode: an outcode like '${p.outcode}' is an area, not a home)`);
  } catch (err) {
    if (!(err instanceof PostcodeError)) throw err;
    fail(ctx, `${POSTCODE} (${err.message})`);
  }
  return z.NEVER;
});

const MPRN = "an MPRN of 10 digits like '1234567890' (quoted)";
export const mprnSchema = z.string({ error: MPRN }).regex(/^[0-9]{10}$/, { error: MPRN });

export const smiSchema = strict(
  {
    at: timeRef(),
    device: enumOf(['gsme', 'gpf']),
    state: enumOf(DEVICE_STATES),
  },
  'at, device, state',
);
