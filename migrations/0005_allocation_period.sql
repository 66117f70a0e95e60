-- A bandit experiment's allocation period (docs/autopilot.md#adaptive-allocation): the period of the weights the
-- visitor was assigned under, carried on their exposure events. NULL for fixed splits and rows from before.
ALTER TABLE events ADD COLUMN period INTEGER;
