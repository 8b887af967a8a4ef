-- The desk in a CRM's frame holds its session as a bearer token kept in memory ('embed'), never as
-- the tab's cookie ('tab'); each is accepted only the way it was given.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'tab';
-- The sign-in popup's single-use codes for a frame, bound to the frame's challenge, a minute long.
CREATE TABLE embed_codes (
    code_hash  TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    challenge  TEXT NOT NULL,
    expires_at INTEGER NOT NULL);
-- The ids of the CRM assertions already used (each signs in once), kept until they expire.
CREATE TABLE embed_assertions (
    jti_hash   TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL);
-- The nonces Hovor issued for CRM assertions, each taken once, a minute long.
CREATE TABLE embed_nonces (
    nonce_hash TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL);
-- Single-use tickets that open a bearer session's event stream (an EventSource sends no header).
CREATE TABLE stream_tickets (
    ticket_hash  TEXT PRIMARY KEY,
    session_hash TEXT NOT NULL REFERENCES sessions(token_hash) ON DELETE CASCADE,
    expires_at   INTEGER NOT NULL);
