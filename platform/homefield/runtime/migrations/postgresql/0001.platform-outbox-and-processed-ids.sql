-- The platform's tables in every service's PostgreSQL database: the transactional outbox (each
-- row in the bucket of its key's hash, which one replica's relay delivers at a time) and the
-- consumer's processed event ids.
CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    ce_id TEXT NOT NULL UNIQUE,
    ce_type TEXT NOT NULL,
    ce_time TEXT NOT NULL,
    traceparent TEXT NOT NULL,
    payload BYTEA NOT NULL
);
CREATE INDEX outbox_by_bucket ON outbox (bucket, id);
CREATE TABLE processed_events (
    ce_id TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL
);
CREATE INDEX processed_events_by_time ON processed_events (processed_at);
