-- The catalogue slugs a conversion is about (a JSON array in text): the product page viewed (URL goals on pages the
-- taxonomy types as a product's), the products added to the basket or bought. `stylist recommend build` learns
-- co-views and co-purchases from them (docs/recommendations.md). Indexed by time for its window.
ALTER TABLE conversions ADD COLUMN products TEXT;
CREATE INDEX IF NOT EXISTS conversions_products_ts ON conversions (ts) WHERE products IS NOT NULL;
