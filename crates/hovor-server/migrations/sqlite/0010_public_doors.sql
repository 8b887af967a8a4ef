-- Limits on the public doors and customers who leave.

-- Waiting conversations a queue takes before new chats are refused (NULL: no limit).
ALTER TABLE queues ADD COLUMN max_waiting INTEGER;
-- A waiting chat whose customer closed the page ends as abandoned after this many seconds.
ALTER TABLE queues ADD COLUMN abandon_after_seconds INTEGER NOT NULL DEFAULT 60;

-- When the web-chat customer's last open page went away (NULL while one is open, or for other channels).
ALTER TABLE conversations ADD COLUMN customer_left_at INTEGER;
-- Ended because the customer left before an agent took it.
ALTER TABLE conversations ADD COLUMN abandoned INTEGER NOT NULL DEFAULT 0;
