-- Conversions live apart from exposures: different columns, and an order must count once however often the shop
-- reports it (browser and backend, retries), which the partial unique index enforces at insert time.
CREATE TABLE IF NOT EXISTS conversions (
  id TEXT PRIMARY KEY,
  ts INTEGER NOT NULL,
  visitor TEXT NOT NULL,
  goal TEXT NOT NULL,
  value INTEGER,
  currency TEXT,
  order_id TEXT,
  path TEXT NOT NULL,
  device TEXT,
  country TEXT,
  source TEXT
);

CREATE UNIQUE INDEX IF NOT EXISTS conversions_one_per_order ON conversions (goal, order_id) WHERE order_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS conversions_by_visitor ON conversions (visitor, ts);
CREATE INDEX IF NOT EXISTS conversions_by_time ON conversions (ts);

-- Audience memberships of the visitor at exposure, as a JSON array of ids, for breakdowns.
ALTER TABLE events ADD COLUMN segments TEXT;
CREATE INDEX IF NOT EXISTS events_by_visitor ON events (visitor, ts);
