/** What the customer does: button presses, and the automatic customer who reacts to the display. */
import { DEFAULTS } from './defaults.ts';
import { bool, duration, enumOf, strict, timeRef } from './fields.ts';

const D = DEFAULTS;

export const customerSchema = strict(
  {
    at: timeRef(),
    action: enumOf(['activateEc', 'enableSupply']),
    via: enumOf(['ppmid', 'meter']).optional(),
  },
  'at, action, via',
);

export const autoCustomerSchema = strict(
  {
    activateEcWhenAvailable: bool().default(D.autoCustomer.activateEcWhenAvailable),
    enableSupplyWhenArmed: bool().default(D.autoCustomer.enableSupplyWhenArmed),
    reactionDelay: duration().prefault(D.autoCustomer.reactionDelay),
  },
  'activateEcWhenAvailable, enableSupplyWhenArmed, reactionDelay',
);
