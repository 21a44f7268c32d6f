-- The storefront service's tables. IF NOT EXISTS: databases made before migrations already have them.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    order_id TEXT,
    shipping_cents BIGINT NOT NULL,
    free_shipping_threshold_cents BIGINT NOT NULL,
    variant TEXT NOT NULL,
    created_at TEXT NOT NULL
);
