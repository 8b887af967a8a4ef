//! Who is signed in. Checked once at start; every page reads it from here.

use hovor_types::auth::Me;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, session as api};

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    Checking,
    SignedIn(Me),
    SignedOut,
    /// The server could not be reached to check; the app offers to try again.
    Unreachable,
}

#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<SessionState>);

impl Session {
    pub fn check(self) {
        self.0.set(SessionState::Checking);
        spawn_local(async move {
            self.0.set(match api::current().await {
                Ok(me) => SessionState::SignedIn(me),
                Err(ApiError::Unauthenticated) => SessionState::SignedOut,
                Err(_) => SessionState::Unreachable,
            });
        });
    }
}

impl Session {
    /// Signs out: the server ends the session (it refuses while a request rings or a call goes on),
    /// a frame forgets its token, and every page shows the sign-in.
    pub async fn sign_out(self) -> Result<(), ApiError> {
        api::sign_out().await?;
        crate::state::embed::set_token(None);
        self.0.set(SessionState::SignedOut);
        Ok(())
    }
}

pub fn provide_session() {
    let session = Session(RwSignal::new(SessionState::Checking));
    session.check();
    provide_context(session);
}

pub fn use_session() -> Session {
    expect_context()
}
