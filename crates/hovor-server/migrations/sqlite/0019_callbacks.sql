-- Callbacks (WBX): a customer to be called back in a window agreed in their own time zone. The local
-- date and times are kept as agreed (an edit shows them, "same time next day" moves them); the
-- window's instants are what placing the call compares with the clock.
CREATE TABLE callbacks (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('courtesy', 'web', 'scheduled')),
    state           TEXT NOT NULL CHECK (state IN ('scheduled', 'queued', 'placed', 'failed')),
    phone           TEXT NOT NULL,
    name            TEXT NOT NULL,
    local_date      TEXT NOT NULL,
    local_start     TEXT NOT NULL,
    local_end       TEXT NOT NULL,
    time_zone       TEXT NOT NULL,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    queue_id        INTEGER NOT NULL REFERENCES queues(id),
    reason          TEXT NOT NULL DEFAULT '',
    -- A personal callback goes to this agent.
    assignee_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    -- The conversation it was agreed in.
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    priority        INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- The voice conversation that waits for an agent once the window opens, and is the call.
    placed_conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    -- Why it failed: 'no_answer' (the attempts ran out) or 'window_closed'.
    failure         TEXT
);
CREATE INDEX callbacks_contact ON callbacks(contact_id, starts_at);
CREATE INDEX callbacks_assignee ON callbacks(assignee_id, starts_at);
CREATE INDEX callbacks_due ON callbacks(state, starts_at);
CREATE INDEX callbacks_placed ON callbacks(placed_conversation_id);

-- A queue's retry policy for callbacks nobody answered: how many calls in all, and the wait between them.
ALTER TABLE queues ADD COLUMN callback_attempts INTEGER NOT NULL DEFAULT 3;
ALTER TABLE queues ADD COLUMN callback_retry_minutes INTEGER NOT NULL DEFAULT 10;
