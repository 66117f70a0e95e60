-- One row per event. `id` is the event's idempotency key: the queue consumer inserts with OR IGNORE,
-- so a redelivered batch never counts twice.
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,
  visitor TEXT NOT NULL,
  experiment TEXT NOT NULL,
  variant TEXT NOT NULL,
  phase INTEGER NOT NULL,
  rules_version INTEGER NOT NULL,
  path TEXT NOT NULL,
  device TEXT NOT NULL,
  country TEXT,
  source TEXT
);

CREATE INDEX IF NOT EXISTS events_by_experiment ON events (experiment, phase, variant, ts);
CREATE INDEX IF NOT EXISTS events_by_time ON events (ts);
