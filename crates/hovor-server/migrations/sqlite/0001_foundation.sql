-- Users, queues and membership.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,          -- SHA-256 of the cookie value; the value itself is never stored
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);

CREATE TABLE skills (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE queues (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE queue_skills (
    queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    PRIMARY KEY (queue_id, skill_id)
);

CREATE TABLE queue_members (
    queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, queue_id)
);

-- The directory: people (contacts) and companies (accounts).
CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    city               TEXT NOT NULL,
    country            TEXT NOT NULL,
    phone              TEXT,
    primary_contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL
);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    language   TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL
);
CREATE INDEX contacts_account ON contacts(account_id);

CREATE TABLE contact_points (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value      TEXT NOT NULL,
    label      TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_points_contact ON contact_points(contact_id);
-- At most one default phone and one default email per contact.
CREATE UNIQUE INDEX contact_points_one_default ON contact_points(contact_id, kind) WHERE is_default = 1;

CREATE TABLE addresses (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    street     TEXT NOT NULL,
    city       TEXT NOT NULL,
    postcode   TEXT NOT NULL,
    country    TEXT NOT NULL
);
CREATE INDEX addresses_contact ON addresses(contact_id);

CREATE TABLE cases (
    id         INTEGER PRIMARY KEY,
    number     TEXT NOT NULL UNIQUE,
    contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    title      TEXT NOT NULL,
    priority   TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status     TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    created_at INTEGER NOT NULL
);
CREATE INDEX cases_contact ON cases(contact_id, created_at DESC);

-- Interactions: active conversations and past ones alike.
CREATE TABLE conversations (
    id                 INTEGER PRIMARY KEY,
    queue_id           INTEGER NOT NULL REFERENCES queues(id),
    channel            TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'voice')),
    contact_id         INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    agent_id           INTEGER REFERENCES users(id) ON DELETE SET NULL,
    case_id            INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    status             TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    subject            TEXT,
    language           TEXT NOT NULL,
    queued_at          INTEGER NOT NULL,
    started_at         INTEGER NOT NULL,
    ended_at           INTEGER,
    visitor            TEXT NOT NULL DEFAULT '{}',   -- JSON VisitorDetails
    additional_details TEXT NOT NULL DEFAULT '[]'    -- JSON [KeyValue]
);
CREATE INDEX conversations_agent ON conversations(agent_id, status);
CREATE INDEX conversations_contact ON conversations(contact_id, started_at);

CREATE TABLE survey_answers (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    question        TEXT NOT NULL,
    answer          TEXT NOT NULL
);
CREATE INDEX survey_answers_conversation ON survey_answers(conversation_id);

CREATE TABLE self_service_actions (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('page_visited', 'search_phrase', 'article_viewed', 'custom_action')),
    detail          TEXT NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX self_service_conversation ON self_service_actions(conversation_id, at DESC);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL, -- copied from the conversation: the timeline reads by customer
    direction       TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    author          TEXT NOT NULL,
    body            TEXT NOT NULL,
    at              INTEGER NOT NULL,
    idempotency_key TEXT
);
CREATE INDEX messages_conversation ON messages(conversation_id, at, id);
CREATE INDEX messages_contact ON messages(contact_id, at, id);
CREATE UNIQUE INDEX messages_idempotency ON messages(conversation_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Standard responses.
CREATE TABLE response_categories (
    id   INTEGER PRIMARY KEY,
    key  TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE responses (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES response_categories(id) ON DELETE CASCADE,
    language    TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    shortcut    TEXT
);
CREATE INDEX responses_category ON responses(category_id);

-- Which categories a conversation's auto-suggestions draw from.
CREATE TABLE conversation_categories (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    category_id     INTEGER NOT NULL REFERENCES response_categories(id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, category_id)
);
