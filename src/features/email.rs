//! The email channel on the desk: the thread with each email's headers, attachments, status and
//! sanitised HTML in a sandboxed frame, and the reply's To, CC and subject above the composer. Both
//! live in the `email` chunk; chat conversations never load it.

mod fields;
mod thread;

use hovor_types::email::{Email, EmailKind};
use hovor_types::response::UsedResponse;
use leptos::prelude::*;

use crate::components::form::FormErrors;
use crate::components::lazy::split_view;

stylance::import_crate_style!(
    #[allow(dead_code)]
    css,
    "src/features/email/email.module.css"
);

/// The composer's text as sent, and the standard response it was written from.
pub type OutgoingText = (String, Option<UsedResponse>);

/// The reply being written: what it is, what it answers and its header fields. The body is the
/// conversation's draft, written in the composer.
#[derive(Clone, Copy)]
pub struct EmailDraft {
    pub conversation: i64,
    pub kind: RwSignal<EmailKind>,
    pub replying_to: RwSignal<Option<i64>>,
    pub to: RwSignal<String>,
    pub cc: RwSignal<String>,
    pub subject: RwSignal<String>,
    /// Set once the agent chose Reply, Reply all or Forward or edited a field: a thread that loads
    /// again no longer fills them in.
    pub chosen: RwSignal<bool>,
    pub errors: FormErrors,
    pub sending: RwSignal<bool>,
    /// The thread, oldest first, and our mailbox.
    pub emails: RwSignal<Vec<Email>>,
    pub mailbox: RwSignal<Option<String>>,
    /// Sends the composer's text with these fields; set by the fields once their chunk has loaded.
    pub send: StoredValue<Option<Callback<OutgoingText>>>,
}

impl EmailDraft {
    pub fn new(conversation: i64) -> EmailDraft {
        EmailDraft {
            conversation,
            kind: RwSignal::new(EmailKind::Reply),
            replying_to: RwSignal::new(None),
            to: RwSignal::new(String::new()),
            cc: RwSignal::new(String::new()),
            subject: RwSignal::new(String::new()),
            chosen: RwSignal::new(false),
            errors: FormErrors::default(),
            sending: RwSignal::new(false),
            emails: RwSignal::new(Vec::new()),
            mailbox: RwSignal::new(None),
            send: StoredValue::new(None),
        }
    }
}

split_view!(email, pub fn email_centre(draft: EmailDraft) => view! { <thread::EmailCentre draft /> });
split_view!(email, pub fn email_fields(draft: EmailDraft) => view! { <fields::EmailFields draft /> });
