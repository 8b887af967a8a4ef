//! Text folding for search and ranking: case- and diacritics-insensitive, for Latin and Cyrillic alike,
//! and across the two scripts (a message typed in Latin letters finds a Cyrillic response and the other
//! way round).

use std::collections::HashSet;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases `s` and strips diacritics: "Příliš" → "prilis", "Йордан" → "иордан", "Їжак" → "іжак".
/// Ukrainian ґ is its own letter in Unicode, but people without it on the keyboard write г.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ґ' { 'г' } else { c })
        .collect()
}

/// Characters a stem keeps. Czech, Bulgarian and Ukrainian inflect word endings and stems
/// ("faktura", "faktury", "fakturu"; "замовив", "замовлення"), so words are compared by their beginnings.
pub const STEM_CHARS: usize = 4;

/// A word's weight when it says little about the topic: a stop word or a greeting formula.
pub const LIGHT: f32 = 0.2;

/// Consonants a sound key keeps (see [`sound`]).
const SOUND_CHARS: usize = 4;

/// One word of a text as ranking sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The word's first [`STEM_CHARS`] letters, folded.
    pub stem: String,
    /// The word's sound in Latin letters, the same whichever script it was typed in.
    pub sound: Option<String>,
    /// 1, or [`LIGHT`] for a stop word or a greeting formula.
    pub weight: f32,
}

/// The folded, stemmed words of `s`, in order; one- and two-letter words are dropped.
pub fn stems(s: &str) -> impl Iterator<Item = String> + '_ {
    terms(s).into_iter().map(|t| t.stem)
}

/// The words of `s` with their stems, sounds and weights.
pub fn terms(s: &str) -> Vec<Term> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 2)
        .map(|word| Term {
            stem: word.chars().take(STEM_CHARS).collect(),
            sound: sound(word),
            weight: if is_light(word) { LIGHT } else { 1.0 },
        })
        .collect()
}

/// Whether a folded word carries little of a message's topic, in any of the desk's languages.
pub fn is_light(word: &str) -> bool {
    static LIGHT_WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    LIGHT_WORDS
        .get_or_init(|| {
            let lists = ["en", "cs", "bg", "uk"].into_iter().flat_map(|l| stop_words::get(l).iter());
            lists.chain(GREETINGS).map(|w| fold(w)).collect()
        })
        .contains(word)
}

/// Words of greetings, thanks and politeness that stop-word lists leave out.
const GREETINGS: &[&str] = &[
    "hello",
    "hi",
    "hey",
    "dear",
    "thanks",
    "thank",
    "please",
    "regards",
    "morning",
    "afternoon",
    "evening",
    "dobry",
    "dobrý",
    "den",
    "dobrý",
    "zdravim",
    "zdravím",
    "dekuji",
    "děkuji",
    "dik",
    "díky",
    "prosim",
    "prosím",
    "pozdravem",
    "ahoj",
    "здравейте",
    "здрасти",
    "добър",
    "ден",
    "благодаря",
    "моля",
    "поздрави",
    "мерси",
    "добрий",
    "день",
    "вітаю",
    "привіт",
    "дякую",
    "будь",
    "ласка",
    "здрастуйте",
    "zdraveite",
    "blagodarya",
    "dobar",
    "dobryi",
    "dyakuyu",
    "diakuiu",
    "pryvit",
    "vitayu",
];

/// A word's sound in Latin letters: transliterated to ASCII (so "вляза" and "vlqza" meet), the ways
/// phones spell one sound made one ("sh", "6" and "š" are s), vowels and doubled letters dropped; its
/// first [`SOUND_CHARS`] letters. `None` for a word too short to say anything.
pub fn sound(word: &str) -> Option<String> {
    let ascii = deunicode::deunicode(word).to_ascii_lowercase();
    let mut spelled = ascii.replace("shch", "s").replace("sht", "s");
    for (from, to) in
        [("sh", "s"), ("ch", "c"), ("zh", "z"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("w", "v")]
    {
        spelled = spelled.replace(from, to);
    }
    let mut key = String::new();
    for (i, c) in spelled.chars().enumerate() {
        let c = match c {
            '6' => 's',
            '4' => 'c',
            'x' => 'h',
            'q' | 'j' | 'y' | '\'' => 'i',
            c => c,
        };
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
        if !c.is_ascii_alphanumeric() || (vowel && i > 0) || key.ends_with(c) {
            continue;
        }
        key.push(c);
    }
    (key.len() >= 2).then(|| key.chars().take(SOUND_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_czech_bulgarian_and_ukrainian() {
        assert_eq!(fold("Žluťoučký KŮŇ"), "zlutoucky kun");
        assert_eq!(fold("Йордан"), "иордан");
        assert_eq!(fold("Їжачок і ґанок"), "іжачок і ганок");
    }

    #[test]
    fn stems_match_inflected_forms() {
        let a: Vec<_> = stems("Faktura za září").collect();
        let b: Vec<_> = stems("fakturu za zari").collect();
        assert_eq!(a, b);
        assert_eq!(a, vec!["fakt", "zari"]);
    }

    #[test]
    fn a_word_sounds_the_same_in_either_script() {
        // Bulgarian and Ukrainian as phones type them in Latin letters.
        for (cyrillic, latin) in [
            ("вляза", "vlqza"),
            ("профила", "profila"),
            ("плащане", "plashtane"),
            ("доставка", "dostavka"),
            ("замовлення", "zamovlennya"),
            ("повернення", "povernennia"),
            ("рахунок", "rakhunok"),
            ("щастя", "shchastia"),
        ] {
            assert_eq!(sound(&fold(cyrillic)), sound(latin), "{cyrillic} / {latin}");
        }
        // Czech with and without diacritics, English as it is.
        assert_eq!(sound(&fold("Vrácení")), sound("vraceni"));
        assert_ne!(sound("refund"), sound("delivery"));
        assert_eq!(sound("aia"), None, "no consonant: too little to say anything");
    }

    #[test]
    fn stop_words_and_greetings_weigh_little_in_every_language() {
        let weight = |s: &str| terms(s).into_iter().map(|t| (t.stem, t.weight)).collect::<Vec<_>>();
        assert_eq!(
            weight("Hello, the invoice"),
            vec![("hell".into(), LIGHT), ("the".into(), LIGHT), ("invo".into(), 1.0)]
        );
        assert_eq!(weight("Dobrý den, faktura")[2], ("fakt".into(), 1.0));
        assert!(weight("Dobrý den, faktura")[..2].iter().all(|(_, w)| *w == LIGHT));
        assert!(weight("Здравейте, благодаря").iter().all(|(_, w)| *w == LIGHT));
        assert!(weight("Добрий день, дякую").iter().all(|(_, w)| *w == LIGHT));
        assert_eq!(weight("Здравейте, фактура")[1], ("факт".into(), 1.0));
    }
}
