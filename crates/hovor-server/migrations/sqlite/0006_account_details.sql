-- Accounts get the details contacts have: several phones, emails, identifiers and addresses, one default
-- phone and one default email. A detail belongs to exactly one contact or exactly one account.

CREATE TABLE contact_points_new (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'identifier')),
    value      TEXT NOT NULL,
    label      TEXT NOT NULL,   -- for an identifier, its name
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default = 0 OR kind <> 'identifier'),
    CHECK ((contact_id IS NULL) <> (account_id IS NULL))
);
INSERT INTO contact_points_new (id, contact_id, kind, value, label, is_default)
SELECT id, contact_id, kind, value, label, is_default FROM contact_points;
DROP TABLE contact_points;
ALTER TABLE contact_points_new RENAME TO contact_points;
CREATE INDEX contact_points_contact ON contact_points(contact_id);
CREATE INDEX contact_points_account ON contact_points(account_id);
-- At most one default phone and one default email per contact and per account.
CREATE UNIQUE INDEX contact_points_one_default ON contact_points(contact_id, kind)
    WHERE is_default = 1 AND contact_id IS NOT NULL;
CREATE UNIQUE INDEX contact_points_account_default ON contact_points(account_id, kind)
    WHERE is_default = 1 AND account_id IS NOT NULL;
-- Signed chat identities find their contact by email.
CREATE INDEX contact_points_email ON contact_points(lower(value)) WHERE kind = 'email';

CREATE TABLE addresses_new (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    street     TEXT NOT NULL,
    city       TEXT NOT NULL,
    postcode   TEXT NOT NULL,
    country    TEXT NOT NULL,
    CHECK ((contact_id IS NULL) <> (account_id IS NULL))
);
INSERT INTO addresses_new (id, contact_id, label, street, city, postcode, country)
SELECT id, contact_id, label, street, city, postcode, country FROM addresses;
DROP TABLE addresses;
ALTER TABLE addresses_new RENAME TO addresses;
CREATE INDEX addresses_contact ON addresses(contact_id);
CREATE INDEX addresses_account ON addresses(account_id);

-- The account's one phone becomes its default phone.
INSERT INTO contact_points (account_id, kind, value, label, is_default)
SELECT id, 'phone', trim(phone), '', 1 FROM accounts WHERE phone IS NOT NULL AND trim(phone) <> '';
ALTER TABLE accounts DROP COLUMN phone;
-- Keys are recomputed at start (they now include the account's details).
UPDATE accounts SET search_key = '';
