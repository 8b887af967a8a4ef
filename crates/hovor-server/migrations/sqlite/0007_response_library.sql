-- The standard responses library becomes a tree administrators edit: categories under categories,
-- responses with a version (concurrent edits are compared) and a shortcut unique within a language;
-- favourites per agent; a generation counter that tells the server its ranking index is stale.

ALTER TABLE response_categories ADD COLUMN parent_id INTEGER REFERENCES response_categories(id) ON DELETE RESTRICT;
CREATE INDEX response_categories_parent ON response_categories(parent_id);

ALTER TABLE responses ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE responses ADD COLUMN updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE responses ADD COLUMN updated_at INTEGER;
CREATE UNIQUE INDEX responses_shortcut ON responses(language, shortcut) WHERE shortcut IS NOT NULL;

CREATE TABLE response_favourites (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, response_id)
) WITHOUT ROWID;
CREATE INDEX response_favourites_response ON response_favourites(response_id);

-- Any change to the library, by the administration page or by hand, bumps the generation.
CREATE TABLE response_library (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO response_library (id, generation) VALUES (1, 1);
CREATE TRIGGER responses_inserted AFTER INSERT ON responses
BEGIN UPDATE response_library SET generation = generation + 1; END;
CREATE TRIGGER responses_updated AFTER UPDATE ON responses
BEGIN UPDATE response_library SET generation = generation + 1; END;
CREATE TRIGGER responses_deleted AFTER DELETE ON responses
BEGIN UPDATE response_library SET generation = generation + 1; END;
CREATE TRIGGER response_categories_inserted AFTER INSERT ON response_categories
BEGIN UPDATE response_library SET generation = generation + 1; END;
CREATE TRIGGER response_categories_updated AFTER UPDATE ON response_categories
BEGIN UPDATE response_library SET generation = generation + 1; END;
CREATE TRIGGER response_categories_deleted AFTER DELETE ON response_categories
BEGIN UPDATE response_library SET generation = generation + 1; END;

-- The audit trail also records the library's responses and categories.
CREATE TABLE audit_log_new (
    id        INTEGER PRIMARY KEY,
    record    TEXT NOT NULL CHECK (record IN ('contact', 'account', 'case', 'conversation', 'response', 'response_category')),
    record_id INTEGER NOT NULL,           -- no foreign key: the trail outlives a removed record
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    at        INTEGER NOT NULL
);
INSERT INTO audit_log_new SELECT id, record, record_id, field, old_value, new_value, user_id, at FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_record ON audit_log(record, record_id, at DESC);
