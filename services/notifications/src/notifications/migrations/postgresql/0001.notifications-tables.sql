-- The notifications service's tables.
CREATE TABLE IF NOT EXISTS notifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('placed', 'confirmed', 'shipped', 'cancelled')),
    message TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    UNIQUE (order_id, kind)
);
CREATE INDEX IF NOT EXISTS notifications_by_customer ON notifications (customer_id, id);
