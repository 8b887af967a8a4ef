//! An email as it arrives (raw RFC 5322), read with `mail-parser`: addresses, threading headers, text,
//! HTML sanitised with `ammonia`, and attachments listed. Sizes are capped here, so a huge or hostile
//! email costs the desk no more than an ordinary one.

use std::collections::HashSet;
use std::sync::LazyLock;

use hovor_types::email::Attachment;
use mail_parser::{MessageParser, MimeHeaders};

use super::bare_id;

/// The largest raw email the inbound endpoint accepts.
pub const RAW_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Text kept of an email; the rest is cut (and the email marked truncated).
pub const TEXT_MAX_CHARS: usize = 100_000;
/// HTML read of an email before sanitising, and kept after.
pub const HTML_MAX_BYTES: usize = 512 * 1024;
/// The beginning of the text that becomes the conversation's message (the timeline's row).
pub const PREVIEW_MAX_CHARS: usize = 2_000;
/// References kept for threading: the oldest and the newest matter, a thousand do not.
const REFERENCES_MAX: usize = 50;
const ATTACHMENTS_MAX: usize = 100;
const NAME_MAX_CHARS: usize = 200;
/// Markup nested deeper than this is shown as text: real emails stay far below it (a few dozen).
const NESTING_MAX: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub header_id: String,
    pub in_reply_to: Option<String>,
    /// References, then In-Reply-To when References left it out; what the thread is looked up by.
    pub references: Vec<String>,
    pub from_name: String,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub truncated: bool,
    pub attachments: Vec<Attachment>,
}

/// Why an email cannot be taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    NotAnEmail,
    NoSender,
    /// The sender's address is not one a reply could go to (`<<<>>>@@@`).
    BadSender,
}

pub fn read(raw: &[u8]) -> Result<Incoming, Unreadable> {
    let message = MessageParser::default().parse(raw).ok_or(Unreadable::NotAnEmail)?;
    let sender = message.from().and_then(|a| a.first()).ok_or(Unreadable::NoSender)?;
    let from = sender.address().map(str::to_lowercase).ok_or(Unreadable::NoSender)?;
    if !hovor_types::email::can_send_to(&from) {
        return Err(Unreadable::BadSender);
    }
    let from_name =
        sender.name().map(str::trim).filter(|n| !n.is_empty()).map_or_else(|| from.clone(), cut_name);
    let addresses = |list: Option<&mail_parser::Address>| -> Vec<String> {
        list.map(|a| {
            a.iter()
                .filter_map(|a| a.address())
                .map(str::to_lowercase)
                .take(crate::email::outgoing::RECIPIENTS_KEPT)
                .collect()
        })
        .unwrap_or_default()
    };
    let in_reply_to = message.in_reply_to().as_text_list().and_then(|l| l.first()).map(|id| bare_id(id));
    let mut references: Vec<String> = message
        .references()
        .as_text_list()
        .map(|l| l.iter().map(|id| bare_id(id)).collect())
        .unwrap_or_default();
    if let Some(parent) = &in_reply_to
        && !references.contains(parent)
    {
        references.push(parent.clone());
    }
    if references.len() > REFERENCES_MAX {
        references.drain(1..references.len() - (REFERENCES_MAX - 1));
    }
    let header_id = match message.message_id().map(bare_id).filter(|id| !id.is_empty()) {
        Some(id) => id,
        // Without a Message-ID a retry cannot be told apart; one is made from the content.
        None => format!("{}@hovor.invalid", crate::auth::token_hash(&String::from_utf8_lossy(raw))),
    };
    let html_source =
        message.body_html(0).filter(|_| message.html_body_count() > 0 && has_html_part(&message));
    let body_text = message.body_text(0).unwrap_or_default();
    let (text, text_cut) = cut_chars(&body_text, TEXT_MAX_CHARS);
    let (html, html_cut) = match html_source {
        // Parsing markup nested this deep takes time that grows with the square of the depth.
        Some(html) if nesting_depth(cut_bytes(&html, HTML_MAX_BYTES).0) > NESTING_MAX => (None, true),
        Some(html) => {
            let (source, cut) = cut_bytes(&html, HTML_MAX_BYTES);
            let clean = sanitise(source);
            let (clean, clean_cut) = cut_bytes(&clean, HTML_MAX_BYTES);
            (Some(clean.to_owned()), cut || clean_cut)
        }
        None => (None, false),
    };
    let attachments = message
        .attachments()
        .take(ATTACHMENTS_MAX)
        .map(|part| Attachment {
            name: part.attachment_name().map_or_else(|| "attachment".to_owned(), cut_name),
            content_type: part
                .content_type()
                .map(|t| match t.subtype() {
                    Some(sub) => format!("{}/{}", t.ctype(), sub),
                    None => t.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
            size: part.len() as u64,
        })
        .collect();
    Ok(Incoming {
        header_id,
        in_reply_to,
        references,
        from_name,
        from,
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        subject: message.subject().map(|s| cut_name(s.trim())).unwrap_or_default(),
        text: text.to_owned(),
        html,
        truncated: text_cut || html_cut,
        attachments,
    })
}

/// Whether the email has an HTML part of its own (mail-parser also offers text turned into HTML).
fn has_html_part(message: &mail_parser::Message) -> bool {
    message.parts.iter().any(|p| matches!(p.body, mail_parser::PartType::Html(_)))
}

/// Markup the desk can show: formatting, tables and links stay; scripts, event handlers, forms, frames,
/// styles and anything loaded from elsewhere (remote images track the reader) go.
pub fn sanitise(html: &str) -> String {
    static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            // In the desk's frame a relative link would point at Hovor itself.
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer nofollow"))
            .set_tag_attribute_value("a", "target", "_blank")
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("img", "src" | "srcset") => None,
                _ => Some(value.into()),
            });
        builder
    });
    CLEANER.clean(html).to_string()
}

/// How deep the markup nests at most, roughly: opening tags minus closing ones, leaving out empty
/// elements and those the parser closes by itself (a new `<p>` or `<li>` closes the previous one).
fn nesting_depth(html: &str) -> usize {
    const SELF_CLOSING: [&str; 22] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "p", "li", "td", "th", "tr", "dt", "dd", "option", "!",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let bytes = html.as_bytes();
    for (i, _) in html.match_indices('<') {
        let rest = &bytes[i + 1..];
        if rest.first() == Some(&b'/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        let name_len = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'!').count();
        let Some(name) = html.get(i + 1..i + 1 + name_len).filter(|n| !n.is_empty()) else { continue };
        let name = name.to_ascii_lowercase();
        if !SELF_CLOSING.iter().any(|s| name == *s || (*s == "!" && name.starts_with('!'))) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn cut_name(name: &str) -> String {
    cut_chars(name, NAME_MAX_CHARS).0.replace(['\r', '\n'], " ")
}

/// The first `max` characters, and whether anything was cut.
pub fn cut_chars(text: &str, max: usize) -> (&str, bool) {
    match text.char_indices().nth(max) {
        Some((end, _)) => (&text[..end], true),
        None => (text, false),
    }
}

fn cut_bytes(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "From: Mallory <mallory@evil.example>\r\nTo: support@hovor.example\r\n\
        Subject: Invoice\r\nMessage-ID: <h1@evil.example>\r\nContent-Type: text/html\r\n\r\n\
        <p onclick=\"steal()\">Pay <b>now</b></p><script>alert(1)</script>\
        <img src=\"https://evil.example/track.gif\" onerror=\"alert(2)\" alt=\"logo\">\
        <a href=\"javascript:alert(3)\">link</a><a href=\"https://shop.example/\">shop</a><a href=\"/api/session\">me</a>\
        <form action=\"https://evil.example\"><input name=p></form><iframe src=\"https://evil.example\"></iframe>\
        <style>body{display:none}</style><div style=\"position:fixed\">x</div>";

    #[test]
    fn hostile_html_keeps_its_text_and_loses_everything_active() {
        let email = read(HOSTILE.as_bytes()).unwrap();
        let html = email.html.unwrap();
        for gone in [
            "<script",
            "onclick",
            "onerror",
            "javascript:",
            "<form",
            "<input",
            "<iframe",
            "<style",
            "style=",
            "track.gif",
            "/api/session",
        ] {
            assert!(!html.contains(gone), "{gone} survived: {html}");
        }
        assert!(html.contains("<b>now</b>"), "{html}");
        assert!(html.contains("href=\"https://shop.example/\""), "{html}");
        assert!(html.contains("target=\"_blank\""), "{html}");
        assert_eq!(email.from, "mallory@evil.example");
        assert_eq!(email.from_name, "Mallory");
        assert!(email.text.contains("Pay now"), "{}", email.text);
    }

    #[test]
    fn threading_headers_and_recipients_are_read() {
        let raw = "From: \"Jana Nováková\" <Jana@Example.cz>\r\nTo: Support <support@hovor.example>, petr@example.cz\r\n\
            Cc: eva@example.cz\r\nSubject: =?UTF-8?Q?Objedn=C3=A1vka?=\r\nMessage-ID: <m2@example.cz>\r\n\
            In-Reply-To: <m1@hovor.example>\r\nReferences: <m0@example.cz> <m1@hovor.example>\r\n\r\nDobrý den";
        let email = read(raw.as_bytes()).unwrap();
        assert_eq!(email.header_id, "m2@example.cz");
        assert_eq!(email.in_reply_to.as_deref(), Some("m1@hovor.example"));
        assert_eq!(email.references, ["m0@example.cz", "m1@hovor.example"]);
        assert_eq!((email.from.as_str(), email.from_name.as_str()), ("jana@example.cz", "Jana Nováková"));
        assert_eq!(email.to, ["support@hovor.example", "petr@example.cz"]);
        assert_eq!(email.cc, ["eva@example.cz"]);
        assert_eq!(email.subject, "Objednávka");
        assert_eq!(email.text, "Dobrý den");
        assert_eq!(email.html, None);
    }

    #[test]
    fn attachments_are_counted_and_listed() {
        let raw = "From: a@x.cz\r\nTo: support@hovor.example\r\nSubject: s\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached\r\n\
            --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"invoice.pdf\"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b\r\nContent-Type: image/png; name=photo.png\r\n\
            Content-Disposition: attachment\r\n\r\nPNG\r\n--b--\r\n";
        let email = read(raw.as_bytes()).unwrap();
        let names: Vec<_> =
            email.attachments.iter().map(|a| (a.name.as_str(), a.content_type.as_str(), a.size)).collect();
        assert_eq!(names, [("invoice.pdf", "application/pdf", 9), ("photo.png", "image/png", 3)]);
        assert_eq!(email.text.trim(), "See attached");
    }

    #[test]
    fn a_huge_deeply_nested_email_is_cut_quickly() {
        let mut raw = String::from(
            "From: a@x.cz\r\nTo: support@hovor.example\r\nSubject: big\r\nContent-Type: text/html\r\n\r\n",
        );
        raw.push_str(&"<div>".repeat(100_000));
        raw.push_str(&"word ".repeat(400_000));
        let started = std::time::Instant::now();
        let email = read(raw.as_bytes()).unwrap();
        assert!(email.truncated);
        assert_eq!(email.html, None, "too deep to parse: shown as text");
        assert!(email.text.chars().count() <= TEXT_MAX_CHARS);
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());

        let mut wide = String::from(
            "From: a@x.cz\r\nTo: support@hovor.example\r\nSubject: big\r\nContent-Type: text/html\r\n\r\n",
        );
        wide.push_str(&"<p>row <b>bold</b> <a href='https://x.cz'>link</a></p>".repeat(40_000));
        let started = std::time::Instant::now();
        let email = read(wide.as_bytes()).unwrap();
        assert!(email.truncated);
        assert!(email.html.as_ref().unwrap().len() <= HTML_MAX_BYTES);
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn nesting_is_measured_without_self_closing_elements() {
        assert_eq!(nesting_depth("<div><p>a<p>b<br><img src=x></div><div><b>c</b></div>"), 2);
        assert_eq!(nesting_depth("<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>"), 2);
        assert_eq!(nesting_depth(&"<div>".repeat(300)), 300);
    }

    #[test]
    fn mail_without_a_sender_or_id_is_handled() {
        assert_eq!(read(b"To: support@hovor.example\r\nSubject: s\r\n\r\nbody"), Err(Unreadable::NoSender));
        let hostile = b"From: <<<>>>@@@\r\nTo: support@hovor.example\r\nSubject: s\r\n\r\nbody";
        assert!(
            matches!(read(hostile), Err(Unreadable::BadSender | Unreadable::NoSender)),
            "{:?}",
            read(hostile).err()
        );
        let a = read(b"From: a@x.cz\r\nSubject: s\r\n\r\nbody").unwrap();
        let b = read(b"From: a@x.cz\r\nSubject: s\r\n\r\nbody").unwrap();
        assert_eq!(a.header_id, b.header_id, "a retry without Message-ID is the same email");
    }
}
