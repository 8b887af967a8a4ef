-- Anonymisation and retention. An anonymised interaction keeps a tombstone (its queue, channel, agent,
-- times and activities) and loses every piece of personal data; `anonymised_at` says when.
ALTER TABLE conversations ADD COLUMN anonymised_at INTEGER;
CREATE INDEX conversations_anonymised ON conversations(anonymised_at) WHERE anonymised_at IS NOT NULL;

-- The conversation an event is about, so the events of an anonymised or deleted interaction go with it.
ALTER TABLE events ADD COLUMN conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE;
UPDATE events SET conversation_id = (
    SELECT c.id FROM json_each(events.payload) AS e
    JOIN conversations c ON c.id = COALESCE(json_extract(e.value, '$.conversation_id'),
                                            json_extract(e.value, '$.message.conversation_id'),
                                            json_extract(e.value, '$.offer.conversation_id'))
) WHERE json_valid(payload) AND json_type(payload) = 'object';
CREATE INDEX events_conversation ON events(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_at ON events(at);

-- Deleting an interaction reaches these rows by its id (foreign keys): without an index each
-- deletion would read the whole table.
DROP INDEX queue_segments_open;
CREATE INDEX queue_segments_conversation ON queue_segments(conversation_id, left_at);
CREATE INDEX conversation_reads_conversation ON conversation_reads(conversation_id);
CREATE INDEX drafts_conversation ON drafts(conversation_id);
CREATE INDEX supervisor_actions_conversation ON supervisor_actions(conversation_id) WHERE conversation_id IS NOT NULL;

-- Per queue and channel: anonymise or delete interactions that ended more than `after_days` ago.
CREATE TABLE retention_rules (
    queue_id   INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    channel    TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'voice')),
    action     TEXT NOT NULL CHECK (action IN ('anonymise', 'delete')),
    after_days INTEGER NOT NULL CHECK (after_days BETWEEN 1 AND 3650),
    PRIMARY KEY (queue_id, channel)
);

-- The one schedule every instance shares: an instance runs retention only when its update moves
-- `next_run_at` (one row, so one instance wins each round).
CREATE TABLE retention_schedule (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    next_run_at    INTEGER NOT NULL,
    -- Rows were removed since the last run: PostgreSQL compacts the tables then.
    erase_pending  INTEGER NOT NULL DEFAULT 0,
    -- Counts every removal: what was read from removed rows (the suggestions' learned messages) is
    -- read again when it moves.
    removals       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO retention_schedule (id, next_run_at) VALUES (1, 0);

-- Every run, scheduled or asked for, dry or real: the audit of what retention did.
CREATE TABLE retention_runs (
    id          INTEGER PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    dry_run     INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- empty for the schedule
    anonymised  INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,
    events      INTEGER NOT NULL
);
CREATE INDEX retention_runs_started ON retention_runs(started_at);
