-- A queue's entry point: the number customers dial to reach it, as digits only (phone_digits).
ALTER TABLE queues ADD COLUMN entry_number TEXT;
CREATE UNIQUE INDEX queues_entry_number ON queues(entry_number) WHERE entry_number IS NOT NULL;
-- The number a voice conversation's customer called from, as digits only.
ALTER TABLE conversations ADD COLUMN caller_number TEXT;
