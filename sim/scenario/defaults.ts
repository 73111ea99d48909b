/** The defaults of a scenario, in the input form: what a scenario file would say. */

export const DEFAULT_EUIS = {
  gsme: '00DB1234567890A3',
  gpf: '00DB1234567890A4',
  ppmid: '00DB1234567890A5',
} as const;

export const DEFAULTS = {
  seed: 42,
  start: '2026-01-15T00:00:00Z',
  duration: '1d',
  premises: 'home-1',
  devices: {
    gsme: {
      firmware: 'secmp0015',
      eui: DEFAULT_EUIS.gsme,
      wakeInterval: '30m',
      wakeJitter: '60s',
      retries: 2,
      ackTimeout: '10s',
      clock: { offset: '0s', driftPpm: 0, unsynchronised: false },
    },
    gpf: { firmware: 'secmp0015', eui: DEFAULT_EUIS.gpf, unpopulatedSnapshotTime: 'invalid' },
    ppmid: {
      firmware: 'secmp0015',
      eui: DEFAULT_EUIS.ppmid,
      pollInterval: '60s',
      changeTimeFallback: true,
      staleDetection: true,
      expectedUpdateInterval: '30m',
      grace: '5m',
    },
  },
  tariff: { unitPrice: 6.5, standingCharge: 30, calorificValue: 39.5, tiers: [{ from: '00:00', tier: 1 }], blocks: [] as number[] },
  prepayment: { credit: 5, emergencyCreditLimit: 5, lowCreditThreshold: 1, debt: 0 },
  consumption: {
    // A winter day in a gas-heated home, about 28 kWh.
    profile: [
      { from: '00:00', kwhPerHour: 0.3 },
      { from: '06:30', kwhPerHour: 2.5 },
      { from: '09:00', kwhPerHour: 0.6 },
      { from: '16:30', kwhPerHour: 2.2 },
      { from: '22:30', kwhPerHour: 0.3 },
    ],
    noise: 0.2,
  },
  autoCustomer: { activateEcWhenAvailable: false, enableSupplyWhenArmed: true, reactionDelay: '5m' },
  metric: { tolerance: 0.5 },
  compare: false,
  mprn: '1234567890',
} as const;
