-- Who reported each conversion: 'page' (a URL goal, by the worker), 'browser' (POST /_stylist/event) or 'server' (the
-- shop's signed backend). One order is one row per (goal, order_id) whoever reports it first, and the sink lets a
-- server report replace a browser one (src/sink/rows.ts), so the backend stays the source of truth for revenue.
ALTER TABLE conversions ADD COLUMN reported_by TEXT;

-- Before this column, browser order ids were stored as 'browser:<id>' beside the server's '<id>': two rows, double
-- revenue. Rows with another order id came from the signed backend.
UPDATE conversions SET reported_by = 'server'
  WHERE order_id IS NOT NULL AND substr(order_id, 1, 8) <> 'browser:';
-- Where the backend also reported the order, its row is the one kept.
DELETE FROM conversions
  WHERE substr(order_id, 1, 8) = 'browser:' AND EXISTS (
    SELECT 1 FROM conversions AS server
    WHERE server.goal = conversions.goal AND server.order_id = substr(conversions.order_id, 9));
UPDATE conversions SET order_id = substr(order_id, 9), reported_by = 'browser'
  WHERE substr(order_id, 1, 8) = 'browser:';
