//! The email channel: a thread's emails as the desk shows them, and the rules for an agent's reply,
//! reply all or forward (recipients, subject, body).

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::chat::looks_like_email;
use crate::error::{FieldError, Rule};
use crate::message::{Direction, validate_agent_message};

pub const SUBJECT_MAX_CHARS: usize = 250;
/// To and CC together.
pub const RECIPIENTS_MAX: usize = 50;

crate::string_enum! {
    /// What an agent's email is to the thread.
    pub enum EmailKind {
        /// A customer's email, as it arrived.
        Received = "received",
        /// The first email of an outbound interaction (New email from the customer card).
        New = "new",
        Reply = "reply",
        ReplyAll = "reply_all",
        Forward = "forward",
    }
}

crate::string_enum! {
    pub enum EmailStatus {
        Received = "received",
        /// Queued for the relay, or waiting for the next attempt after a temporary failure.
        Waiting = "waiting",
        Sent = "sent",
        /// The relay refused it for good, or every attempt failed.
        Failed = "failed",
    }
}

/// An attachment as listed in the thread (its content stays with the mail system).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

/// One email of a conversation's thread: `GET /api/conversations/{id}/emails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Email {
    /// The id of its message in the conversation (and the timeline).
    pub id: i64,
    pub conversation_id: i64,
    pub direction: Direction,
    pub kind: EmailKind,
    /// The sender's name, or the address when the email gave none.
    pub from_name: String,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    /// Plain text: the text part, or the HTML part as text.
    pub text: String,
    /// The HTML part after sanitising: no scripts, handlers, forms, styles or remote images. The app
    /// shows it in a sandboxed frame.
    pub html: Option<String>,
    /// The text or HTML was longer than the server keeps; what is here is its beginning.
    pub truncated: bool,
    pub attachments: Vec<Attachment>,
    pub status: EmailStatus,
    /// Why the last attempt failed (the relay's answer), for Waiting and Failed.
    pub error: Option<String>,
    pub attempts: i64,
    pub at: Millis,
}

/// A conversation's emails, oldest first, and the mailbox of ours they are with (Reply all leaves it out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailThread {
    pub mailbox: Option<String>,
    pub emails: Vec<Email>,
    /// Where a New email goes: the address the conversation was composed to, else the contact's
    /// default email.
    #[serde(default)]
    pub recipient: Option<String>,
    /// The conversation's subject, for a New email.
    #[serde(default)]
    pub subject: Option<String>,
}

/// `POST /api/emails`: compose a new email (a CRM's compose): an outbound email conversation of the
/// agent's from the first of their queues with a mailbox, to the contact with that address when there
/// is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComposeEmail {
    pub to: String,
    #[serde(default)]
    pub subject: Option<String>,
}

impl ComposeEmail {
    /// The address and the subject (empty when none), by the send form's rules.
    pub fn checked(&self) -> Result<(&str, &str), FieldError> {
        let to = self.to.trim();
        if to.is_empty() {
            return Err(FieldError::new("to", Rule::Required));
        }
        if !can_send_to(to) {
            return Err(FieldError::new("to", Rule::Malformed));
        }
        let subject = crate::validate::text(
            "subject",
            self.subject.as_deref().unwrap_or(""),
            false,
            SUBJECT_MAX_CHARS,
        )?;
        if subject.contains(['\r', '\n']) {
            return Err(FieldError::new("subject", Rule::Malformed));
        }
        Ok((to, subject))
    }
}

/// Reply, reply all, forward or the first email of a New email: `POST /api/conversations/{id}/emails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendEmail {
    pub kind: EmailKind,
    /// The email answered or forwarded (a message id of the thread); `None` for a New email.
    pub replying_to: Option<i64>,
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    /// The standard response the text was written from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_response: Option<crate::response::UsedResponse>,
}

/// Whether an address can go into a To or CC header as it is: an address's shape without the characters
/// that delimit or quote addresses. Arriving email whose sender fails it cannot be answered.
pub fn can_send_to(address: &str) -> bool {
    looks_like_email(address)
        && !address.contains(['<', '>', ',', ';', '"', '(', ')', '[', ']', '\\'])
        && !address.chars().any(char::is_control)
}

/// Checks an agent's email before it is queued; returns it trimmed, addresses lower-cased and without
/// repeats. Fields: `to`, `cc`, `subject`, `body`, `kind`, `replying_to`.
pub fn validate_send(email: &SendEmail) -> Result<SendEmail, FieldError> {
    if email.kind == EmailKind::Received {
        return Err(FieldError::new("kind", Rule::NotAnOption));
    }
    if email.kind != EmailKind::New && email.replying_to.is_none() {
        return Err(FieldError::new("replying_to", Rule::Required));
    }
    let to = addresses("to", &email.to, &[])?;
    if to.is_empty() {
        return Err(FieldError::new("to", Rule::Required));
    }
    let cc = addresses("cc", &email.cc, &to)?;
    if to.len() + cc.len() > RECIPIENTS_MAX {
        return Err(FieldError::new("cc", Rule::TooLarge { max: RECIPIENTS_MAX }));
    }
    let subject = crate::validate::text("subject", &email.subject, true, SUBJECT_MAX_CHARS)?;
    if subject.contains(['\r', '\n']) {
        return Err(FieldError::new("subject", Rule::Malformed));
    }
    let body = validate_agent_message(&email.body)?;
    Ok(SendEmail {
        kind: email.kind,
        replying_to: email.replying_to,
        to,
        cc,
        subject: subject.to_owned(),
        body: body.to_owned(),
        used_response: email.used_response,
    })
}

/// Trimmed, lower-cased, each once and none already in `taken`.
fn addresses(field: &'static str, list: &[String], taken: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for address in list.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        if !can_send_to(address) {
            return Err(FieldError::new(field, Rule::Malformed));
        }
        let address = address.to_lowercase();
        if !out.contains(&address) && !taken.contains(&address) {
            out.push(address);
        }
    }
    Ok(out)
}

/// Splits what an agent typed into a To or CC field: commas, semicolons or spaces between addresses.
pub fn split_addresses(typed: &str) -> Vec<String> {
    typed
        .split([',', ';', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "Re: Order" for a reply, "Fwd: Order" for a forward; a prefix already there is not repeated.
pub fn subject_for(kind: EmailKind, subject: &str) -> String {
    let subject = subject.trim();
    let prefix = match kind {
        EmailKind::Reply | EmailKind::ReplyAll => "Re:",
        EmailKind::Forward => "Fwd:",
        EmailKind::New | EmailKind::Received => return subject.to_owned(),
    };
    let has = subject.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    if has { subject.to_owned() } else { format!("{prefix} {subject}") }
}

/// Who a reply goes to: the sender for Reply; for Reply all also everyone else it was sent to and copied
/// (never our own mailbox); nobody yet for Forward. Returns `(to, cc)`.
pub fn recipients_for(kind: EmailKind, email: &Email, mailbox: &str) -> (Vec<String>, Vec<String>) {
    // Replying to our own email answers the people it went to.
    let sender =
        if email.direction == Direction::Outbound { email.to.clone() } else { vec![email.from.clone()] };
    let ours = |a: &String| a.eq_ignore_ascii_case(mailbox);
    match kind {
        EmailKind::Reply => (sender, Vec::new()),
        EmailKind::ReplyAll => {
            let mut to = sender;
            to.extend(email.to.iter().filter(|a| !ours(a) && !to.contains(a)).cloned().collect::<Vec<_>>());
            let cc = email.cc.iter().filter(|a| !ours(a) && !to.contains(a)).cloned().collect();
            (to.into_iter().filter(|a| !ours(a)).collect(), cc)
        }
        _ => (Vec::new(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(to: &[&str], cc: &[&str], subject: &str, body: &str) -> SendEmail {
        SendEmail {
            kind: EmailKind::Reply,
            replying_to: Some(1),
            to: to.iter().map(|s| s.to_string()).collect(),
            cc: cc.iter().map(|s| s.to_string()).collect(),
            subject: subject.into(),
            body: body.into(),
            used_response: None,
        }
    }

    fn received() -> Email {
        Email {
            id: 1,
            conversation_id: 1,
            direction: Direction::Inbound,
            kind: EmailKind::Received,
            from_name: "Jana".into(),
            from: "jana@example.cz".into(),
            to: vec!["support@hovor.example".into(), "petr@example.cz".into()],
            cc: vec!["eva@example.cz".into(), "Support@Hovor.example".into()],
            subject: "Order".into(),
            text: String::new(),
            html: None,
            truncated: false,
            attachments: Vec::new(),
            status: EmailStatus::Received,
            error: None,
            attempts: 0,
            at: 0,
        }
    }

    #[test]
    fn a_composed_email_needs_an_address_it_can_send_to_and_a_one_line_subject() {
        let compose = |to: &str, subject: Option<&str>| ComposeEmail {
            to: to.into(),
            subject: subject.map(Into::into),
        };
        assert_eq!(compose(" jana@example.cz ", None).checked(), Ok(("jana@example.cz", "")));
        assert_eq!(compose("jana@example.cz", Some("Faktura")).checked(), Ok(("jana@example.cz", "Faktura")));
        assert_eq!(compose("", None).checked().unwrap_err().rule, Rule::Required);
        assert_eq!(compose("Jana <jana@example.cz>", None).checked().unwrap_err().field, "to");
        assert_eq!(compose("jana@example.cz", Some("a\nBcc: x")).checked().unwrap_err().field, "subject");
        assert_eq!(
            compose("jana@example.cz", Some(&"x".repeat(251))).checked().unwrap_err().rule,
            Rule::TooLong { max: SUBJECT_MAX_CHARS }
        );
    }

    #[test]
    fn recipients_are_required_well_formed_and_deduplicated() {
        let e = validate_send(&send(
            &[" Jana@Example.cz ", "jana@example.cz"],
            &["JANA@example.cz", "eva@x.cz"],
            "Re: x",
            "Hi",
        ))
        .unwrap();
        assert_eq!(e.to, ["jana@example.cz"]);
        assert_eq!(e.cc, ["eva@x.cz"]);
        assert_eq!(validate_send(&send(&[" "], &[], "s", "b")).unwrap_err().field, "to");
        let bad = validate_send(&send(&["jana@example.cz"], &["eva@"], "s", "b")).unwrap_err();
        assert_eq!((bad.field.as_ref(), bad.rule), ("cc", Rule::Malformed));
        let injected = validate_send(&send(&["a@x.cz>, b@y.cz"], &[], "s", "b")).unwrap_err();
        assert_eq!((injected.field.as_ref(), injected.rule), ("to", Rule::Malformed));
    }

    #[test]
    fn subject_and_body_are_checked() {
        assert_eq!(validate_send(&send(&["a@x.cz"], &[], " ", "b")).unwrap_err().field, "subject");
        let header_injection = validate_send(&send(&["a@x.cz"], &[], "Hi\r\nBcc: c@y.cz", "b")).unwrap_err();
        assert_eq!((header_injection.field.as_ref(), header_injection.rule), ("subject", Rule::Malformed));
        let unfilled = validate_send(&send(&["a@x.cz"], &[], "s", "Hi {{contact.first_name}}")).unwrap_err();
        assert_eq!((unfilled.field.as_ref(), unfilled.rule), ("body", Rule::Unfilled));
        let mut reply_without_original = send(&["a@x.cz"], &[], "s", "b");
        reply_without_original.replying_to = None;
        assert_eq!(validate_send(&reply_without_original).unwrap_err().field, "replying_to");
    }

    #[test]
    fn subjects_get_one_prefix() {
        assert_eq!(subject_for(EmailKind::Reply, "Order 1042"), "Re: Order 1042");
        assert_eq!(subject_for(EmailKind::ReplyAll, "RE: Order 1042"), "RE: Order 1042");
        assert_eq!(subject_for(EmailKind::Forward, "Re: Order"), "Fwd: Re: Order");
        assert_eq!(subject_for(EmailKind::Forward, "fwd: Order"), "fwd: Order");
    }

    #[test]
    fn reply_all_answers_everyone_but_our_mailbox() {
        let email = received();
        assert_eq!(
            recipients_for(EmailKind::Reply, &email, "support@hovor.example"),
            (vec!["jana@example.cz".into()], vec![])
        );
        let (to, cc) = recipients_for(EmailKind::ReplyAll, &email, "support@hovor.example");
        assert_eq!(to, ["jana@example.cz", "petr@example.cz"]);
        assert_eq!(cc, ["eva@example.cz"]);
        assert_eq!(recipients_for(EmailKind::Forward, &email, "support@hovor.example"), (vec![], vec![]));
    }

    #[test]
    fn typed_addresses_split_on_commas_semicolons_and_spaces() {
        assert_eq!(
            split_addresses("a@x.cz, b@y.cz;c@z.cz  d@w.cz"),
            ["a@x.cz", "b@y.cz", "c@z.cz", "d@w.cz"]
        );
    }
}
