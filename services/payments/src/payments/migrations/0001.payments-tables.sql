-- The payments service's tables. IF NOT EXISTS: databases made before migrations already have them.
CREATE TABLE IF NOT EXISTS payments (
    payment_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    status TEXT NOT NULL CHECK (status IN ('CAPTURED', 'DECLINED')),
    decline_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS charges (
    charge_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES payments (order_id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    captured_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS charges_by_order ON charges (order_id);
