-- Listings → Interactions: whose interactions a user may list besides their own (granted by an
-- administrator, per user and per queue), and the index the list reads by channel and time.
CREATE TABLE listing_user_rights (
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seen_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, seen_user_id)
);
CREATE TABLE listing_queue_rights (
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    queue_id BIGINT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, queue_id)
);
CREATE INDEX conversations_listing ON conversations(channel, queued_at, id);
-- Sorting a long range by title walks this instead of sorting every row.
CREATE INDEX conversations_listing_title ON conversations(channel, (COALESCE(subject, customer_name, '')), queued_at, id);
-- json_array_length(list): the length of a JSON array, as SQLite's one-argument form.
CREATE FUNCTION json_array_length(document TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS
    $$ SELECT json_array_length(document::json)::BIGINT $$;
