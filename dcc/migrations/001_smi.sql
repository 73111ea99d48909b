-- Smart Metering Inventory: device models, meter points, devices, their state changes and the
-- DCC Service Flags that follow (MP077). Dates are calendar dates (the flag's effective-from date).

CREATE TABLE device_state (state text PRIMARY KEY);
INSERT INTO device_state VALUES
  ('Pending'), ('Whitelisted'), ('InstalledNotCommissioned'), ('Commissioned'), ('Decommissioned'),
  ('Withdrawn'), ('Suspended'), ('Recovery'), ('Recovered');

-- The legal transitions: the same table as dcc/states.ts (test/dcc-smi.test.ts compares them).
CREATE TABLE legal_transition (
  from_state text NOT NULL REFERENCES device_state,
  to_state   text NOT NULL REFERENCES device_state,
  PRIMARY KEY (from_state, to_state)
);
INSERT INTO legal_transition VALUES
  ('Pending', 'Whitelisted'), ('Pending', 'Withdrawn'),
  ('Whitelisted', 'InstalledNotCommissioned'), ('Whitelisted', 'Withdrawn'),
  ('InstalledNotCommissioned', 'Commissioned'), ('InstalledNotCommissioned', 'Decommissioned'),
  ('InstalledNotCommissioned', 'Suspended'), ('InstalledNotCommissioned', 'Withdrawn'),
  ('Commissioned', 'Decommissioned'), ('Commissioned', 'Suspended'), ('Commissioned', 'Recovery'),
  ('Commissioned', 'Withdrawn'),
  ('Suspended', 'InstalledNotCommissioned'), ('Suspended', 'Commissioned'), ('Suspended', 'Decommissioned'),
  ('Suspended', 'Withdrawn'),
  ('Recovery', 'Recovered'), ('Recovery', 'Decommissioned'), ('Recovery', 'Withdrawn'),
  ('Recovered', 'Commissioned'), ('Recovered', 'Decommissioned'), ('Recovered', 'Withdrawn');

CREATE TABLE device_model (
  model           text PRIMARY KEY,
  device_type     text NOT NULL CHECK (device_type IN ('ESME', 'GSME', 'CHF')),
  manufacturer    text NOT NULL,
  on_product_list boolean NOT NULL DEFAULT true,
  removed_on      date
);

-- MPRN (gas) 10 digits, MPAN core (electricity) 13 digits. flag NULL = never associated with an
-- InstalledNotCommissioned or Commissioned device (ever_live false). Fill factor below 100 so the
-- mass updates of a withdrawal stay on their page (HOT) and leave the indexes alone.
CREATE TABLE meter_point (
  mpxn      text PRIMARY KEY CHECK (mpxn ~ '^([0-9]{10}|[0-9]{13})$'),
  fuel      char(1) NOT NULL CHECK (fuel IN ('G', 'E')),
  postcode  text,
  flag      char(1) CHECK (flag IN ('A', 'I', 'N')),
  flag_from date,
  ever_live boolean NOT NULL DEFAULT false,
  CHECK ((fuel = 'G') = (length(mpxn) = 10)),
  CHECK ((flag IS NULL) = (flag_from IS NULL)),
  CHECK (flag IS NULL OR ever_live)
) WITH (fillfactor = 85);

-- basis: what the device counts as for its meter point's flag ('C' Commissioned, 'I'
-- InstalledNotCommissioned, NULL neither); Suspended / Recovery / Recovered keep the one before.
-- mpxn: the meter point it is (or, once Decommissioned / Withdrawn, was last) associated with.
CREATE TABLE device (
  eui           char(16) PRIMARY KEY CHECK (eui ~ '^[0-9A-F]{16}$'),
  device_type   text NOT NULL CHECK (device_type IN ('ESME', 'GSME', 'CHF')),
  model         text NOT NULL REFERENCES device_model,
  -- a CHECK, not a foreign key to device_state: a model's mass withdrawal would fire one
  -- referential trigger per device (it doubled the withdrawal's time).
  state         text NOT NULL CHECK (state IN ('Pending', 'Whitelisted', 'InstalledNotCommissioned', 'Commissioned',
                  'Decommissioned', 'Withdrawn', 'Suspended', 'Recovery', 'Recovered')),
  state_since   date NOT NULL,
  basis         char(1) CHECK (basis IN ('C', 'I')),
  mpxn          text REFERENCES meter_point,
  associated_on date,
  CHECK ((mpxn IS NULL) = (associated_on IS NULL)),
  CHECK (basis IS NULL OR mpxn IS NOT NULL)
) WITH (fillfactor = 85);
CREATE INDEX device_model_idx ON device (model);
CREATE INDEX device_mpxn_idx ON device (mpxn);

-- Every state change with its date (history tables carry no foreign keys: they are append-only
-- and written in bulk; the device row they follow is checked when the change is applied).
CREATE TABLE state_change (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  eui        char(16) NOT NULL,
  from_state text,
  to_state   text NOT NULL,
  effective  date NOT NULL
);
CREATE INDEX state_change_eui_idx ON state_change (eui);

-- Every flag change (one E45 / D0350 update each), in the order they happened.
CREATE TABLE flag_change (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mpxn           text NOT NULL,
  fuel           char(1) NOT NULL,
  flag           char(1) NOT NULL CHECK (flag IN ('A', 'I', 'N')),
  effective_from date NOT NULL
);
CREATE INDEX flag_change_from_idx ON flag_change (effective_from, id);
