-- The address a New email of an outbound email conversation goes to first (a CRM's compose).
ALTER TABLE conversations ADD COLUMN recipient TEXT;
