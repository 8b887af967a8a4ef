-- The instance whose media switch carries a call (`--instance`): started again, it ends the calls it
-- held, whose audio went with the process.
ALTER TABLE conversations ADD COLUMN call_host TEXT;
