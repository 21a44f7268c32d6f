-- The shipping service's tables. IF NOT EXISTS: databases made before migrations already have them.
CREATE TABLE IF NOT EXISTS shipments (
    shipment_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    tracking_number TEXT NOT NULL UNIQUE,
    dispatched_at TEXT NOT NULL
);
