-- The experiments service's tables. IF NOT EXISTS: databases made before migrations already have them.
CREATE TABLE IF NOT EXISTS exposures (
    experiment TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    variant TEXT NOT NULL,
    exposed_at TEXT NOT NULL,
    UNIQUE (experiment, unit_id)
);
CREATE INDEX IF NOT EXISTS exposures_by_unit ON exposures (unit_id);
CREATE TABLE IF NOT EXISTS attributed_orders (
    experiment TEXT NOT NULL,
    order_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    attributed_at TEXT NOT NULL,
    PRIMARY KEY (experiment, order_id)
);
CREATE TABLE IF NOT EXISTS conversions (
    experiment TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    converted_at TEXT NOT NULL,
    orders BIGINT NOT NULL CHECK (orders >= 1),
    revenue_cents BIGINT NOT NULL,
    PRIMARY KEY (experiment, unit_id)
);
