-- The post-chat survey: per queue, the questions a customer is asked once the chat has ended.
CREATE TABLE feedback_questions (
    id       INTEGER PRIMARY KEY,
    queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('rating', 'comment')),
    label    TEXT NOT NULL,
    required INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX feedback_questions_queue ON feedback_questions(queue_id, position);

-- The customer's answers, with the question as it was asked (the questions may change later).
CREATE TABLE feedback_answers (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    question        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('rating', 'comment')),
    rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment         TEXT
);
CREATE INDEX feedback_answers_conversation ON feedback_answers(conversation_id);

-- The first rating the customer gave: the listing's Rating column shows and sorts by it.
ALTER TABLE conversations ADD COLUMN rating INTEGER;
-- Sorted by rating, a page walks this index in order instead of sorting every chat of the range.
CREATE INDEX conversations_listing_rating ON conversations(channel, (COALESCE(rating, 0)), queued_at, id);
