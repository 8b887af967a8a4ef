-- Call recording per queue (WBX): whether its calls are recorded, and how long an agent's pause of a
-- recording lasts at most before it records again by itself.
ALTER TABLE queues ADD COLUMN record_calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN recording_pause_s INTEGER NOT NULL DEFAULT 60;

-- A call's recording: an Ogg Opus file in the recordings directory, named by `file`.
CREATE TABLE recordings (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    file            TEXT NOT NULL UNIQUE,
    started_at      INTEGER NOT NULL,
    ended_at        INTEGER
);
CREATE INDEX recordings_conversation ON recordings(conversation_id);
