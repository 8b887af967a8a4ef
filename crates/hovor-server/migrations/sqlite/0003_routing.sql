-- Routing: agent skills and states, capacity per channel, offers with their no-answer deadline,
-- queue settings (survey, popover variables, wrap-up reasons), activities, and the customer's chat.

ALTER TABLE queues ADD COLUMN rona_seconds INTEGER NOT NULL DEFAULT 30;
-- Popover variables, JSON [{"field": "customer_name", "secure": false}]; secure ones are never offered.
ALTER TABLE queues ADD COLUMN popover_variables TEXT NOT NULL DEFAULT '[{"field":"customer_name","secure":false},{"field":"queue","secure":false},{"field":"wait_time","secure":false}]';
-- Sensitive-data protection: phone numbers on popovers show only their last 4 digits.
ALTER TABLE queues ADD COLUMN mask_sensitive INTEGER NOT NULL DEFAULT 1;

CREATE TABLE survey_questions (
    id       INTEGER PRIMARY KEY,
    queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label    TEXT NOT NULL,
    required INTEGER NOT NULL DEFAULT 0,
    options  TEXT NOT NULL DEFAULT '[]'      -- JSON [String]; empty: free text
);
CREATE INDEX survey_questions_queue ON survey_questions(queue_id, position);

CREATE TABLE wrap_up_reasons (
    id       INTEGER PRIMARY KEY,
    queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    label    TEXT NOT NULL
);
CREATE INDEX wrap_up_reasons_queue ON wrap_up_reasons(queue_id);

CREATE TABLE user_skills (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, skill_id)
);

-- Absent row: the channel's default capacity (hovor_types::routing::default_capacity).
CREATE TABLE agent_capacity (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel  TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'voice')),
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    PRIMARY KEY (user_id, channel)
);

-- Absent row: Idle (before the agent's first choice).
CREATE TABLE agent_states (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('available', 'idle')),
    idle_reason TEXT,
    since       INTEGER NOT NULL,
    -- When the agent last had free capacity after work: longest-idle first means smallest first.
    free_since  INTEGER NOT NULL
);

-- At most one offer per conversation; RONA when expires_at passes.
CREATE TABLE offers (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    agent_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    offered_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX offers_agent ON offers(agent_id);
CREATE INDEX offers_expiry ON offers(expires_at);

-- An agent who declined or missed a conversation is not offered it again for a while (routing::REFUSAL_MS).
CREATE TABLE offer_refusals (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    agent_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at              INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, agent_id)
);

-- One agent's work on an interaction, accept to wrap-up submit (DAK).
CREATE TABLE activities (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    agent_id         INTEGER NOT NULL REFERENCES users(id),
    queue_id         INTEGER NOT NULL REFERENCES queues(id),
    accepted_at      INTEGER NOT NULL,
    ended_at         INTEGER,
    wrapped_up_at    INTEGER,
    wrap_up_reason_id INTEGER REFERENCES wrap_up_reasons(id),
    transfer_note    TEXT,
    focused_ms       INTEGER NOT NULL DEFAULT 0,
    interruptions    INTEGER NOT NULL DEFAULT 0,
    focus_anomaly    INTEGER NOT NULL DEFAULT 0,
    focus_reported_at INTEGER
);
CREATE INDEX activities_conversation ON activities(conversation_id, accepted_at);
CREATE INDEX activities_agent_open ON activities(agent_id, wrapped_up_at);

-- Routing fields of a conversation: who it waits for, and the note a transfer carries.
ALTER TABLE conversations ADD COLUMN wanted_agent_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN transfer_note TEXT;
-- The customer's chat session: SHA-256 of the cookie value; the value itself is never stored.
ALTER TABLE conversations ADD COLUMN customer_token_hash TEXT;
ALTER TABLE conversations ADD COLUMN customer_name TEXT;
CREATE UNIQUE INDEX conversations_customer_token ON conversations(customer_token_hash)
    WHERE customer_token_hash IS NOT NULL;
CREATE INDEX conversations_waiting ON conversations(queue_id, queued_at) WHERE agent_id IS NULL AND status = 'active';

-- Events the customer of a conversation sees on their own stream.
ALTER TABLE events ADD COLUMN customer_conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE;
CREATE INDEX events_customer ON events(customer_conversation_id, id) WHERE customer_conversation_id IS NOT NULL;

-- Work assigned before routing existed: its agent's activity is open, and every queue has reasons.
INSERT INTO activities (conversation_id, agent_id, queue_id, accepted_at)
SELECT id, agent_id, queue_id, started_at FROM conversations WHERE status = 'active' AND agent_id IS NOT NULL;
INSERT INTO wrap_up_reasons (queue_id, label)
SELECT q.id, r.label FROM queues q, (SELECT 'Resolved' AS label UNION ALL SELECT 'Follow-up needed' UNION ALL SELECT 'Other') r;
