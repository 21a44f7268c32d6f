-- The notifications service's tables. IF NOT EXISTS: databases made before migrations already have them.
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('placed', 'confirmed', 'shipped', 'cancelled')),
    message TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    UNIQUE (order_id, kind)
);
CREATE INDEX IF NOT EXISTS notifications_by_customer ON notifications (customer_id, id);
