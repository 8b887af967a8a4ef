//! The desk inside a CRM's frame (`/embed?host=<origin>`): the host the server named in the page's
//! `hovor-embed` block, and the session's bearer token, which lives in this page's memory only (no
//! cookie reaches a third-party frame; nothing is written to storage).

use std::cell::RefCell;

thread_local! {
    static HOST: Option<String> = read_host();
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The CRM origin that frames this desk, when it is embedded.
pub fn host() -> Option<String> {
    HOST.with(Clone::clone)
}

/// The bearer token of the embedded desk's session, once signed in.
pub fn token() -> Option<String> {
    TOKEN.with(|t| t.borrow().clone())
}

pub fn set_token(token: Option<String>) {
    TOKEN.with(|t| *t.borrow_mut() = token);
}

/// `{"host":"<origin>"}`: the server wrote it, an exact origin without quotes or escapes.
fn read_host() -> Option<String> {
    let block = web_sys::window()?.document()?.get_element_by_id("hovor-embed")?.text_content()?;
    let host = block.split_once(r#""host":""#)?.1.split_once('"')?.0;
    (!host.is_empty()).then(|| host.to_owned())
}
