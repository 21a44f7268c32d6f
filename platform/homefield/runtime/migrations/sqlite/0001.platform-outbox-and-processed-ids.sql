-- The platform's tables in every service's SQLite database: the transactional outbox and the
-- consumer's processed event ids. One process writes the file, so its relay delivers every row
-- (no buckets). IF NOT EXISTS: databases made before migrations already have these tables.
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    ce_id TEXT NOT NULL UNIQUE,
    ce_type TEXT NOT NULL,
    ce_time TEXT NOT NULL,
    traceparent TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS processed_events (
    ce_id TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS processed_events_by_time ON processed_events (processed_at);
