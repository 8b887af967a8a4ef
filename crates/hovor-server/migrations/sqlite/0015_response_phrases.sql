-- How customers ask for what a response answers, in their own words, one phrasing per line:
-- suggestions match a customer's message against these as well as the response itself.
ALTER TABLE responses ADD COLUMN phrases TEXT NOT NULL DEFAULT '';
