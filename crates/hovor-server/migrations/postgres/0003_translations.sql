-- Configured texts (queues, survey questions and answers, wrap-up reasons, tags, categories, skills) in
-- the desk's languages, keyed by the text as configured.
CREATE TABLE translations (
    source   TEXT NOT NULL,
    language TEXT NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (source, language)
);
