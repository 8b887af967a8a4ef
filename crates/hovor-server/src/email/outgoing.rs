//! An agent's email as it leaves: the quoted or forwarded original under the agent's text, a new
//! Message-ID, In-Reply-To and References that keep the customer's mail program threading, and the
//! MIME message `lettre` sends.

use hovor_types::email::EmailKind;
use lettre::message::{Mailbox, header::ContentType};

/// Addresses kept of an incoming email's To or CC.
pub const RECIPIENTS_KEPT: usize = 100;
/// The original quoted under a reply or forward, at most.
const QUOTE_MAX_CHARS: usize = 20_000;

/// The email answered or forwarded, as the thread keeps it.
pub struct Original {
    pub header_id: String,
    pub references: Vec<String>,
    pub from_name: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

/// Everything the outbox needs to send one email.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub header_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub from_name: String,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
}

/// A new Message-ID in the mailbox's domain.
pub fn new_header_id(mailbox: &str) -> String {
    let domain = mailbox.rsplit_once('@').map_or("hovor.invalid", |(_, d)| d);
    format!("{}@{domain}", hex::encode(rand::random::<[u8; 16]>()))
}

/// The agent's text with the original under it: quoted for a reply, whole for a forward.
pub fn text_with_original(kind: EmailKind, body: &str, original: Option<&Original>) -> String {
    let Some(original) = original else { return body.to_owned() };
    let (text, _) = super::incoming::cut_chars(&original.text, QUOTE_MAX_CHARS);
    match kind {
        EmailKind::Forward => format!(
            "{body}\n\n---------- Forwarded message ----------\nFrom: {} <{}>\nSubject: {}\nTo: {}\n\n{text}",
            original.from_name,
            original.from,
            original.subject,
            original.to.join(", ")
        ),
        EmailKind::Reply | EmailKind::ReplyAll => {
            let quoted: Vec<String> = text.lines().map(|l| format!("> {l}")).collect();
            format!("{body}\n\n{} <{}> wrote:\n{}", original.from_name, original.from, quoted.join("\n"))
        }
        EmailKind::New | EmailKind::Received => body.to_owned(),
    }
}

/// In-Reply-To and References of an answer: the original's References and the original itself. A
/// forward starts a thread of its own.
pub fn threading(kind: EmailKind, original: Option<&Original>) -> (Option<String>, Vec<String>) {
    match (kind, original) {
        (EmailKind::Reply | EmailKind::ReplyAll, Some(o)) => {
            let mut references = o.references.clone();
            references.retain(|r| r != &o.header_id);
            references.push(o.header_id.clone());
            (Some(o.header_id.clone()), references)
        }
        _ => (None, Vec::new()),
    }
}

/// The MIME message: plain UTF-8 text, every header from the stored email.
pub fn build(o: &Outgoing) -> Result<lettre::Message, String> {
    let mailbox = |name: Option<&str>, address: &str| -> Result<Mailbox, String> {
        let address = address.parse().map_err(|e| format!("{address}: {e}"))?;
        Ok(Mailbox::new(name.map(str::to_owned), address))
    };
    let mut builder = lettre::Message::builder()
        .from(mailbox(Some(&o.from_name), &o.from)?)
        .subject(o.subject.clone())
        .message_id(Some(format!("<{}>", o.header_id)))
        .date_now();
    for to in &o.to {
        builder = builder.to(mailbox(None, to)?);
    }
    for cc in &o.cc {
        builder = builder.cc(mailbox(None, cc)?);
    }
    if let Some(parent) = &o.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    if !o.references.is_empty() {
        let references: Vec<String> = o.references.iter().map(|r| format!("<{r}>")).collect();
        builder = builder.references(references.join(" "));
    }
    builder.header(ContentType::TEXT_PLAIN).body(o.text.clone()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original() -> Original {
        Original {
            header_id: "m2@example.cz".into(),
            references: vec!["m0@example.cz".into(), "m1@hovor.example".into()],
            from_name: "Jana".into(),
            from: "jana@example.cz".into(),
            to: vec!["support@hovor.example".into()],
            subject: "Order".into(),
            text: "Where is it?\nThanks".into(),
        }
    }

    #[test]
    fn a_reply_quotes_and_threads_under_the_original() {
        let o = original();
        assert_eq!(
            text_with_original(EmailKind::Reply, "On its way.", Some(&o)),
            "On its way.\n\nJana <jana@example.cz> wrote:\n> Where is it?\n> Thanks"
        );
        let (parent, references) = threading(EmailKind::ReplyAll, Some(&o));
        assert_eq!(parent.as_deref(), Some("m2@example.cz"));
        assert_eq!(references, ["m0@example.cz", "m1@hovor.example", "m2@example.cz"]);
        assert_eq!(threading(EmailKind::Forward, Some(&o)), (None, vec![]));
        assert!(text_with_original(EmailKind::Forward, "FYI", Some(&o)).contains("Forwarded message"));
    }

    #[test]
    fn the_mime_message_carries_every_header() {
        let out = Outgoing {
            header_id: new_header_id("support@hovor.example"),
            in_reply_to: Some("m2@example.cz".into()),
            references: vec!["m0@example.cz".into(), "m2@example.cz".into()],
            from_name: "Support".into(),
            from: "support@hovor.example".into(),
            to: vec!["jana@example.cz".into()],
            cc: vec!["eva@example.cz".into()],
            subject: "Re: Objednávka".into(),
            text: "Dobrý den".into(),
        };
        assert!(out.header_id.ends_with("@hovor.example"));
        let raw = String::from_utf8(build(&out).unwrap().formatted()).unwrap();
        for header in [
            "From: Support <support@hovor.example>",
            "To: jana@example.cz",
            "Cc: eva@example.cz",
            "In-Reply-To: <m2@example.cz>",
            "References: <m0@example.cz> <m2@example.cz>",
            &format!("Message-ID: <{}>", out.header_id),
        ] {
            assert!(raw.contains(header), "{header} missing from\n{raw}");
        }
    }
}
