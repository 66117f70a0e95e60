/**
 * The D1 sink's two tables as one relation with the archive's columns, for the statistics query in SQLite's
 * dialect. Since migration 0004 a row holds a visitor's first exposure to an arm and, as `last_seen`, the latest:
 * that one is added back as a repeat exposure of the same arm, as src/report/sink-source.ts does for the stream,
 * so each phase's "last event" is the same either way.
 */
export const D1_STATS_SOURCE = `(
  SELECT id, type, ts, visitor, experiment, variant, phase, device, country, source, segments,
    NULL AS goal, NULL AS value, NULL AS currency, NULL AS order_id, NULL AS reported_by, period
  FROM events WHERE type = 'exposure'
  UNION ALL
  SELECT id || ':last', type, last_seen, visitor, experiment, variant, phase, device, country, source, segments,
    NULL, NULL, NULL, NULL, NULL, period
  FROM events WHERE type = 'exposure' AND last_seen > ts
  UNION ALL
  SELECT id, 'conversion', ts, visitor, NULL, NULL, NULL, device, country, source, NULL,
    goal, value, currency, order_id, reported_by, NULL
  FROM conversions)`;
