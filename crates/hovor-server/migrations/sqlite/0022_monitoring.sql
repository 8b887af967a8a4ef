-- Supervisors monitoring conversations: who follows which conversation now (the record of starting
-- and stopping is in supervisor_actions), their whispers to the agent, and whether a queue's agents
-- are told they are monitored.
CREATE TABLE monitors (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    supervisor_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mode            TEXT NOT NULL CHECK (mode IN ('read', 'listen', 'coach')),
    started_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, supervisor_id)
);

CREATE TABLE whispers (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    author_user     INTEGER NOT NULL REFERENCES users(id),
    body            TEXT NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX whispers_conversation ON whispers(conversation_id, id);

ALTER TABLE queues ADD COLUMN announce_monitoring INTEGER NOT NULL DEFAULT 1;

-- The conversation a supervisor's action was about (reassign, offer, monitor, whisper, barge in).
ALTER TABLE supervisor_actions ADD COLUMN conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL;
