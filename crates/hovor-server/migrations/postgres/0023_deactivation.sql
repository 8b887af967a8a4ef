-- Users and queues can be deactivated (their interactions stay listed) and queues grouped.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;
ALTER TABLE queues ADD COLUMN deactivated_at BIGINT;
ALTER TABLE queues ADD COLUMN queue_group TEXT;
