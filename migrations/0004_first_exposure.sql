-- D1 keeps the first exposure (and sampled miss) per visitor, experiment phase and arm, not one row per page view:
-- the report counts a visitor from their first exposure, and crossovers stay visible (a second arm is a second row).
-- Repeats fold into that row: `views` counts them and `last_seen` is the latest, for `stylist review`. Every event
-- is kept in the R2 archive sink (docs/analytics.md). Neither new column is indexed, so a repeat writes one row.
ALTER TABLE events ADD COLUMN last_seen INTEGER;
ALTER TABLE events ADD COLUMN views INTEGER NOT NULL DEFAULT 1;

UPDATE events SET
  last_seen = (SELECT max(later.ts) FROM events AS later
    WHERE later.visitor = events.visitor AND later.experiment = events.experiment AND later.phase = events.phase
      AND later.variant = events.variant AND later.type = events.type),
  views = (SELECT count(*) FROM events AS later
    WHERE later.visitor = events.visitor AND later.experiment = events.experiment AND later.phase = events.phase
      AND later.variant = events.variant AND later.type = events.type);

DELETE FROM events WHERE EXISTS (
  SELECT 1 FROM events AS earlier
  WHERE earlier.visitor = events.visitor AND earlier.experiment = events.experiment AND earlier.phase = events.phase
    AND earlier.variant = events.variant AND earlier.type = events.type
    AND (earlier.ts < events.ts OR (earlier.ts = events.ts AND earlier.id < events.id)));

CREATE UNIQUE INDEX IF NOT EXISTS events_first_per_arm ON events (visitor, experiment, phase, variant, type);
