-- Invitations (GEN): the owner of an email asks a colleague to help draft the reply.
CREATE TABLE invitations (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    owner_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    invitee_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'answered', 'declined')),
    proposal        TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX invitations_conversation ON invitations(conversation_id, id);
CREATE INDEX invitations_invitee ON invitations(invitee_id, status);
-- One open invitation per colleague and conversation.
CREATE UNIQUE INDEX invitations_open ON invitations(conversation_id, invitee_id) WHERE status <> 'declined';

-- Collaborators (MLU): colleagues writing in a live chat beside its owner.
CREATE TABLE collaborators (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    added_at        INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX collaborators_user ON collaborators(user_id);
