-- Where each instance sharing the database is reached by the others: a request about a call that
-- reached another instance is forwarded to the one whose media switch carries it (conversations.call_host).
CREATE TABLE instances (
    name       TEXT PRIMARY KEY,
    address    TEXT NOT NULL,     -- e.g. http://10.0.0.5:8080
    started_at INTEGER NOT NULL);
-- The phone pages' lines, in the database so that a call placed on any instance rings a page listening
-- on any other: one row per number, the cookies of the pages that opened it, and its events in the outbox.
CREATE TABLE phone_lines (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    digits TEXT NOT NULL UNIQUE);
CREATE TABLE phone_line_cookies (
    token_hash TEXT PRIMARY KEY,  -- SHA-256 of the hovor_line cookie
    line_id    INTEGER NOT NULL REFERENCES phone_lines(id) ON DELETE CASCADE,
    opened_at  INTEGER NOT NULL,
    since_event INTEGER NOT NULL);  -- the newest event when it opened: its page never reads older news
CREATE INDEX phone_line_cookies_line ON phone_line_cookies(line_id, opened_at);
ALTER TABLE events ADD COLUMN line_id INTEGER REFERENCES phone_lines(id) ON DELETE CASCADE;
CREATE INDEX events_line ON events(line_id, id);
