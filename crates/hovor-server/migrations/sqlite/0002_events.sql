-- The transactional outbox: every change appends its event here in the same transaction.
-- Streams read from this table; the in-process broadcast only wakes them.
CREATE TABLE events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so ids only grow, across restarts too
    at       INTEGER NOT NULL,
    queue_id INTEGER REFERENCES queues(id) ON DELETE CASCADE,  -- seen by the queue's members
    user_id  INTEGER REFERENCES users(id) ON DELETE CASCADE,   -- or by this one user
    payload  TEXT NOT NULL                                     -- JSON ServerEvent
);
CREATE INDEX events_queue ON events(queue_id, id);
CREATE INDEX events_user ON events(user_id, id);
