//! The desk inside a CRM's frame (`/embed?host=<origin>`): the host the server named in the page's
//! `hovor-embed` block, whether the deployment lets the host place calls at once, the session's bearer
//! token, which lives in this page's memory only (no cookie reaches a third-party frame; nothing is
//! written to storage), and the host API's ear on the event stream (`features::host_api`).

use std::cell::RefCell;
use std::rc::Rc;

use hovor_types::event::ServerEvent;

thread_local! {
    static PAGE: Option<Embedded> = read_block();
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static LISTENER: RefCell<Option<Listener>> = const { RefCell::new(None) };
}

/// Who hears the stream's events besides the desk.
pub type Listener = Rc<dyn Fn(&ServerEvent)>;

struct Embedded {
    host: String,
    auto_dial: bool,
}

/// The CRM origin that frames this desk, when it is embedded.
pub fn host() -> Option<String> {
    PAGE.with(|p| p.as_ref().map(|p| p.host.clone()))
}

/// Whether the host may place a call without the agent's tap (`--embed-auto-dial`).
pub fn auto_dial() -> bool {
    PAGE.with(|p| p.as_ref().is_some_and(|p| p.auto_dial))
}

/// The bearer token of the embedded desk's session, once signed in.
pub fn token() -> Option<String> {
    TOKEN.with(|t| t.borrow().clone())
}

pub fn set_token(token: Option<String>) {
    TOKEN.with(|t| *t.borrow_mut() = token);
}

/// Hands every event of the stream to `listener` (the host API's), until replaced or cleared.
pub fn listen(listener: Option<Listener>) {
    LISTENER.with(|l| *l.borrow_mut() = listener);
}

/// An event arrived on the stream.
pub fn heard(event: &ServerEvent) {
    if let Some(listener) = LISTENER.with(|l| l.borrow().clone()) {
        listener(event);
    }
}

/// `{"host":"<origin>","autoDial":<bool>}`: the server wrote it, an exact origin without quotes or escapes.
fn read_block() -> Option<Embedded> {
    let block = web_sys::window()?.document()?.get_element_by_id("hovor-embed")?.text_content()?;
    let host = block.split_once(r#""host":""#)?.1.split_once('"')?.0;
    let auto_dial = block.contains(r#""autoDial":true"#);
    (!host.is_empty()).then(|| Embedded { host: host.to_owned(), auto_dial })
}
