-- Every offer an agent got and how it ended (accepted, declined, no answer, withdrawn): the timed
-- offered / declined / missed steps of an interaction's processing path.
CREATE TABLE offer_log (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    agent_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    queue_id        INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    offered_at      INTEGER NOT NULL,
    ended_at        INTEGER,
    outcome         TEXT CHECK (outcome IN ('accepted', 'declined', 'no_answer', 'withdrawn'))
);
CREATE INDEX offer_log_conversation ON offer_log(conversation_id, offered_at);
