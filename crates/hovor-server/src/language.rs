//! The language a customer writes in. A chat starts in the browser's language and an email in the
//! contact's; what the customer actually writes decides which responses the desk suggests and finds.

use whatlang::{Detector, Lang, Script};

/// The library's languages as the detector names them.
const KNOWN: [(Lang, &str); 4] = [(Lang::Eng, "en"), (Lang::Ces, "cs"), (Lang::Bul, "bg"), (Lang::Ukr, "uk")];

/// How sure the detector must be to override the conversation's language: below this, Czech typed
/// without diacritics is too often taken for English.
const SURE: f64 = 0.9;

/// The language `text` is written in when the detector is sure of it, else `conversation`.
/// A Latin-script text keeps a language written in Cyrillic: customers type Bulgarian and Ukrainian
/// in Latin letters on phones (the ranking matches those by sound), and the detector cannot tell them.
pub fn of_customer_text<'a>(text: &str, conversation: &'a str) -> &'a str {
    let detector = Detector::with_allowlist(KNOWN.iter().map(|(lang, _)| *lang).collect());
    let Some(info) = detector.detect(text) else {
        return conversation;
    };
    let cyrillic_conversation = KNOWN[2..].iter().any(|(_, code)| *code == conversation);
    if info.confidence() < SURE || (info.script() == Script::Latin && cyrillic_conversation) {
        return conversation;
    }
    KNOWN.iter().find(|(lang, _)| *lang == info.lang()).map_or(conversation, |(_, code)| code)
}

#[cfg(test)]
mod tests {
    use super::of_customer_text;

    #[test]
    fn a_clear_text_decides_in_every_language() {
        let texts = [
            ("en", "Hello, my parcel has not arrived yet and the tracking page shows nothing at all."),
            ("cs", "Dobrý den, balík mi pořád nedorazil a na stránkách dopravce se nic neukazuje."),
            ("bg", "Здравейте, пратката ми още не е пристигнала и проследяването не показва нищо."),
            ("uk", "Добрий день, посилка досі не прийшла, і на сайті перевізника нічого не видно."),
        ];
        for (expected, text) in texts {
            // A Latin text in a Bulgarian or Ukrainian conversation is taken as typed in Latin letters.
            let latin = ["en", "cs"].contains(&expected);
            let conversations: &[&str] = if latin { &["en", "cs"] } else { &["en", "cs", "bg", "uk"] };
            for &conversation in conversations {
                assert_eq!(of_customer_text(text, conversation), expected, "{text} in a {conversation} chat");
            }
        }
    }

    #[test]
    fn a_short_or_unclear_text_keeps_the_conversation_language() {
        assert_eq!(of_customer_text("ok", "cs"), "cs");
        assert_eq!(of_customer_text("12345 ???", "bg"), "bg");
        assert_eq!(of_customer_text("", "uk"), "uk");
    }

    #[test]
    fn latin_typed_bulgarian_and_ukrainian_keep_their_language() {
        assert_eq!(of_customer_text("kolko 6te mi struva ako prekratq dogovora po-rano?", "bg"), "bg");
        assert_eq!(of_customer_text("zamovyv navushnyky 10 dniv tomu i dosi ne vidpravyly", "uk"), "uk");
        assert_eq!(
            of_customer_text("internet ne pratsiuie z ranku, router perezavantazhuvav dva razy", "uk"),
            "uk"
        );
    }
}
