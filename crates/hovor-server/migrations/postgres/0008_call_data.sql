-- Call-associated data (WBX CAD variables): the variables a queue defines, and their values on each of
-- its conversations. A value's version is bumped by every save; the first save on a version wins.
CREATE TABLE call_variables (
    queue_id BIGINT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    label    TEXT NOT NULL,
    position BIGINT NOT NULL,
    kind     TEXT NOT NULL,
    editable BIGINT NOT NULL DEFAULT 0,
    secure   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_id, name)
);

CREATE TABLE call_values (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    value           TEXT NOT NULL,
    version         BIGINT NOT NULL,
    saved_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    saved_at        BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, name)
);
