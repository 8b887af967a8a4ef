-- WBX "End call for web callback": the queue's agents may cancel a callback while the customer's
-- phone still rings; the wrap-up follows and it is not tried again.
ALTER TABLE queues ADD COLUMN callback_cancel INTEGER NOT NULL DEFAULT 0;

-- The timeline reads the callbacks agreed in a record's conversations.
CREATE INDEX callbacks_agreed_in ON callbacks(conversation_id, created_at);

-- Routing priority (a callback's, WBX "Set Contact Priority"): higher is offered first.
ALTER TABLE conversations ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
