-- Quality reviews: the administrator's scorecards and reviews of interactions against them.
CREATE TABLE qa_scorecards (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    criteria TEXT NOT NULL          -- JSON [Criterion]
);
CREATE TABLE qa_reviews (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    scorecard_id    INTEGER NOT NULL REFERENCES qa_scorecards(id),
    reviewer_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    at              INTEGER NOT NULL,
    scores          TEXT NOT NULL,  -- JSON [points], one per criterion
    comment         TEXT NOT NULL
);
CREATE INDEX qa_reviews_conversation ON qa_reviews(conversation_id, at);
