-- The email channel. A mailbox is an address of ours; mail to it is routed to its queue.
CREATE TABLE mailboxes (
    id       INTEGER PRIMARY KEY,
    address  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE
);

-- The mailbox an email conversation is with: replies are sent from it.
ALTER TABLE conversations ADD COLUMN mailbox TEXT;

-- An email is a message of its conversation with the rest of what mail carries. Outbound ones wait in
-- the outbox (status 'waiting', next_attempt_at) until the relay takes them.
CREATE TABLE emails (
    message_id      INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    header_id       TEXT NOT NULL,                 -- Message-ID, without the angle brackets
    in_reply_to     TEXT,
    refs            TEXT NOT NULL DEFAULT '[]',    -- JSON [String]: References, oldest first
    kind            TEXT NOT NULL CHECK (kind IN ('received', 'new', 'reply', 'reply_all', 'forward')),
    from_name       TEXT NOT NULL,
    from_address    TEXT NOT NULL,
    to_addresses    TEXT NOT NULL DEFAULT '[]',    -- JSON [String]
    cc_addresses    TEXT NOT NULL DEFAULT '[]',    -- JSON [String]
    subject         TEXT NOT NULL,
    text            TEXT NOT NULL,
    html            TEXT,                          -- sanitised at arrival
    truncated       INTEGER NOT NULL DEFAULT 0,
    attachments     TEXT NOT NULL DEFAULT '[]',    -- JSON [Attachment]
    status          TEXT NOT NULL CHECK (status IN ('received', 'waiting', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error      TEXT
);
CREATE INDEX emails_conversation ON emails(conversation_id, message_id);
CREATE INDEX emails_header_id ON emails(header_id);
-- A mail gateway that retries a delivery stores the email once.
CREATE UNIQUE INDEX emails_received_once ON emails(header_id) WHERE kind = 'received';
CREATE INDEX emails_outbox ON emails(next_attempt_at) WHERE status = 'waiting';
