//! Static text the demo generator draws from: names, places, transcripts and standard responses in four
//! languages. Data only; the generator picks from it with a fixed seed.

mod bg;
mod cs;
mod en;
mod uk;

/// Every language the demo contact center speaks, English first.
pub const ALL: [&LanguageContent; 4] = [&en::CONTENT, &cs::CONTENT, &bg::CONTENT, &uk::CONTENT];

/// Everything the demo generator needs to write one language's customers, transcripts and responses.
pub struct LanguageContent {
    /// Language code: "en", "cs", "bg" or "uk".
    pub code: &'static str,
    /// The country's name, written in this language.
    pub country: &'static str,
    /// International dialling prefix, e.g. "+420".
    pub phone_prefix: &'static str,
    /// Male first names.
    pub male_first: &'static [&'static str],
    /// Female first names.
    pub female_first: &'static [&'static str],
    /// Male surnames.
    pub male_last: &'static [&'static str],
    /// Female surnames, in the grammatically right female form, in the same order as `male_last`.
    pub female_last: &'static [&'static str],
    /// Real cities of the country.
    pub cities: &'static [City],
    /// Plausible street names, without house numbers.
    pub streets: &'static [&'static str],
    /// Fictional company names with their legal suffix.
    pub company_names: &'static [&'static str],
    /// Reasons customers get in touch; each one yields transcripts.
    pub topics: &'static [Topic],
    /// The standard responses database (exactly 75).
    pub responses: &'static [StandardResponse],
    /// Pre-chat survey questions.
    pub survey: &'static [SurveyQuestion],
    /// Website page paths a visitor might view.
    pub pages: &'static [&'static str],
    /// Phrases typed into the site search.
    pub search_phrases: &'static [&'static str],
    /// Knowledge-base article titles.
    pub articles: &'static [&'static str],
    /// Custom web actions a visitor can perform.
    pub custom_actions: &'static [&'static str],
}

/// A real city with one of its postcodes and its IANA time zone.
pub struct City {
    /// City name in this language.
    pub name: &'static str,
    /// A valid postcode of the city.
    pub postcode: &'static str,
    /// IANA time zone, e.g. "Europe/Prague".
    pub time_zone: &'static str,
}

/// A reason customers write in: one transcript is built from it.
pub struct Topic {
    /// One of the `CATEGORIES` keys.
    pub category: &'static str,
    /// Used as email subject and case title.
    pub subject: &'static str,
    /// Alternative first customer messages.
    pub opening: &'static [&'static str],
    /// Follow-up customer lines.
    pub customer: &'static [&'static str],
    /// Agent replies that fit the topic.
    pub agent: &'static [&'static str],
    /// Last customer lines (thanks, bye).
    pub closing: &'static [&'static str],
}

/// One entry of the standard responses database.
pub struct StandardResponse {
    /// One of the `CATEGORIES` keys.
    pub category: &'static str,
    /// Short title, 2–6 words.
    pub title: &'static str,
    /// The reply text, ready to send.
    pub body: &'static str,
    /// Optional `#` shortcut: ASCII, lowercase, no spaces, unique within a language.
    pub shortcut: Option<&'static str>,
    /// How customers ask for what this response answers, in their own words: suggestions match a
    /// message against these as well as the response itself.
    pub phrases: &'static [&'static str],
}

/// A pre-chat survey question with its answer choices.
pub struct SurveyQuestion {
    /// The question shown to the visitor.
    pub question: &'static str,
    /// The answers offered (at least three).
    pub answers: &'static [&'static str],
}

/// Category keys shared by every language; the generator names categories from these.
pub const CATEGORIES: [(&str, &str); 8] = [
    ("greeting", "Greetings"),
    ("billing", "Billing and payments"),
    ("delivery", "Orders and delivery"),
    ("technical", "Technical support"),
    ("account", "Account and sign-in"),
    ("contract", "Contracts and plans"),
    ("complaint", "Complaints"),
    ("closing", "Closing"),
];
