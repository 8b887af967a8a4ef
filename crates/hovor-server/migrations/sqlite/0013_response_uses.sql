-- Which standard response an agent sent in answer to which customer message, as sent or edited:
-- suggestions learn from it for similar messages. The message is referenced, not copied, so its
-- text goes when the conversation goes.
CREATE TABLE response_uses (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    edited      INTEGER NOT NULL,
    at          INTEGER NOT NULL
);
-- Once per message, response and agent: a retried send counts once.
CREATE UNIQUE INDEX response_uses_once ON response_uses(message_id, response_id, user_id);
CREATE INDEX response_uses_response ON response_uses(response_id);
