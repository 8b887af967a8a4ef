-- How far each agent has read each conversation: the task list counts the customer's messages after it.
CREATE TABLE conversation_reads (
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    read_to         BIGINT NOT NULL, -- the last message id the agent has seen
    PRIMARY KEY (user_id, conversation_id)
);
