-- Supervisors: a conversation's time in each queue (queue segments), from entering it to an agent's
-- accept, the customer leaving first, or a move to another queue; what the live figures count.
CREATE TABLE queue_segments (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    queue_id        INTEGER NOT NULL REFERENCES queues(id),
    entered_at      INTEGER NOT NULL,
    answered_at     INTEGER,
    left_at         INTEGER,
    outcome         TEXT CHECK (outcome IN ('answered', 'abandoned', 'transferred')),
    -- Offers of it that went unanswered (RONA).
    ronas           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX queue_segments_closed ON queue_segments(queue_id, left_at);
CREATE INDEX queue_segments_open ON queue_segments(conversation_id) WHERE left_at IS NULL;

-- The service-level threshold: answered within this many seconds of entering the queue.
ALTER TABLE queues ADD COLUMN sl_seconds INTEGER NOT NULL DEFAULT 20;

-- What supervisors did to agents (set Available or Idle, sign out), for the record.
CREATE TABLE supervisor_actions (
    id            INTEGER PRIMARY KEY,
    supervisor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    agent_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    action        TEXT NOT NULL,
    detail        TEXT,
    at            INTEGER NOT NULL
);
CREATE INDEX supervisor_actions_agent ON supervisor_actions(agent_id, at);
