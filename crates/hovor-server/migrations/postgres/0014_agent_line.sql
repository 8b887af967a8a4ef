-- An agent's own telephone number (extension) and team, shown to a colleague their call consults.
ALTER TABLE users ADD COLUMN phone_number TEXT;
ALTER TABLE users ADD COLUMN team TEXT;
