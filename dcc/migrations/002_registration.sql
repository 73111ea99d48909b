-- The Gas Registration Data Provider's side, played by `hanlab dcc ingest`: the meter points it
-- registers and the DCC Service Flag it holds for each, as the accepted E45 records set it.
CREATE TABLE registration (
  mprn      text PRIMARY KEY CHECK (mprn ~ '^[0-9]{10}$'),
  flag      char(1) CHECK (flag IN ('A', 'I', 'N')),
  flag_from date
) WITH (fillfactor = 85);
