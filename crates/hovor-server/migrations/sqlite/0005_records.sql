-- Customer records: versions and search keys on the directory, identifiers, case descriptions,
-- child interactions, what agents record on a conversation (tags, notes, parameters, custom data),
-- the audit trail and reversible merges.

-- Every versioned record says who saved it last, for the version-conflict answer.
-- search_key: folded names, emails and identifiers, then phone digits (hovor_types::directory::search_key);
-- filled by the server at start for rows that have none, and rewritten by every write that changes them.
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contacts ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
-- A contact merged into another: hidden from the directory until its merge is undone.
ALTER TABLE contacts ADD COLUMN merged_into INTEGER REFERENCES contacts(id);
ALTER TABLE contacts ADD COLUMN updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE contacts ADD COLUMN updated_at INTEGER;
CREATE INDEX contacts_merged_into ON contacts(merged_into) WHERE merged_into IS NOT NULL;

ALTER TABLE accounts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE accounts ADD COLUMN updated_at INTEGER;

-- Identifiers (customer number, loyalty card) join phones and emails: the kind check is rebuilt.
CREATE TABLE contact_points_new (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'identifier')),
    value      TEXT NOT NULL,
    label      TEXT NOT NULL,   -- for an identifier, its name
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default = 0 OR kind <> 'identifier')
);
INSERT INTO contact_points_new (id, contact_id, kind, value, label, is_default)
SELECT id, contact_id, kind, value, label, is_default FROM contact_points;
DROP TABLE contact_points;
ALTER TABLE contact_points_new RENAME TO contact_points;
CREATE INDEX contact_points_contact ON contact_points(contact_id);
-- At most one default phone and one default email per contact.
CREATE UNIQUE INDEX contact_points_one_default ON contact_points(contact_id, kind) WHERE is_default = 1;
-- Signed chat identities find their contact by email.
CREATE INDEX contact_points_email ON contact_points(lower(value)) WHERE kind = 'email';

ALTER TABLE cases ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE cases ADD COLUMN updated_at INTEGER;
-- Folded number and title, so a case search ignores case and diacritics.
ALTER TABLE cases ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_created ON cases(created_at DESC);

-- Interactions: who started them, and the one they were started from (transfers' follow-ups,
-- replies, calls and emails placed from a conversation).
ALTER TABLE conversations ADD COLUMN direction TEXT NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound'));
ALTER TABLE conversations ADD COLUMN parent_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL;
-- An outbound call nobody answered yet.
ALTER TABLE conversations ADD COLUMN dialling INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN email_from TEXT;
ALTER TABLE conversations ADD COLUMN email_cc TEXT NOT NULL DEFAULT '[]';            -- JSON [String]
ALTER TABLE conversations ADD COLUMN is_campaign INTEGER NOT NULL DEFAULT 0;
-- Read-only data that came with the interaction, and the agent-editable custom data (JSON [KeyValue]).
ALTER TABLE conversations ADD COLUMN attached_data TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN custom_data TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN custom_data_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE conversations ADD COLUMN operator_note TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN operator_note_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN operator_note_at INTEGER;
ALTER TABLE conversations ADD COLUMN operator_note_version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX conversations_parent ON conversations(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX conversations_case ON conversations(case_id, started_at) WHERE case_id IS NOT NULL;

-- Who changed which field of a record, from what to what. user_id NULL: the system (a keyword rule).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    record    TEXT NOT NULL CHECK (record IN ('contact', 'account', 'case', 'conversation')),
    record_id INTEGER NOT NULL,           -- no foreign key: the trail outlives a removed record
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX audit_log_record ON audit_log(record, record_id, at DESC);

-- A merge keeps what undoing it needs: the master's fields before, the rows added to it, the
-- interactions and cases moved, and the master's version right after (an undo must not overwrite
-- later edits).
CREATE TABLE merges (
    id                   INTEGER PRIMARY KEY,
    master_id            INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    child_id             INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    user_id              INTEGER REFERENCES users(id) ON DELETE SET NULL,
    at                   INTEGER NOT NULL,
    master_version_after INTEGER NOT NULL,
    snapshot             TEXT NOT NULL,   -- JSON, see store::merges::Snapshot
    undone_at            INTEGER
);
CREATE INDEX merges_master ON merges(master_id, at DESC);
CREATE INDEX merges_child ON merges(child_id);

-- Quick notes on a related record, written from a conversation.
CREATE TABLE notes (
    id              INTEGER PRIMARY KEY,
    contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    account_id      INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    case_id         INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    author_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body            TEXT NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX notes_contact ON notes(contact_id, at) WHERE contact_id IS NOT NULL;
CREATE INDEX notes_account ON notes(account_id, at) WHERE account_id IS NOT NULL;
CREATE INDEX notes_case ON notes(case_id, at) WHERE case_id IS NOT NULL;
CREATE INDEX notes_conversation ON notes(conversation_id, at) WHERE conversation_id IS NOT NULL;

-- The company's tags, on conversations, as each agent used them last, and the keyword rules.
CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    background TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tag_id          INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    source          TEXT NOT NULL CHECK (source IN ('typed', 'company', 'recent', 'keyword')),
    added_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,   -- NULL: a keyword rule
    at              INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, tag_id)
);
CREATE INDEX conversation_tags_tag ON conversation_tags(tag_id, conversation_id);

CREATE TABLE agent_tag_use (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    used_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, tag_id)
);
CREATE INDEX agent_tag_use_recent ON agent_tag_use(user_id, used_at DESC);

CREATE TABLE tag_rules (
    id      INTEGER PRIMARY KEY,
    keyword TEXT NOT NULL,
    tag_id  INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE
);

-- Conversation parameters: preset (channel, queue, language, customer name) or added by an agent.
CREATE TABLE conversation_parameters (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    key             TEXT NOT NULL,
    value           TEXT NOT NULL,
    preset          INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at      INTEGER,
    PRIMARY KEY (conversation_id, key)
);
