//! The standard responses library's administration page (`/desk/library`, administrators only): the
//! category tree; the chosen category's responses in every language; forms to create, edit, move and
//! delete both, with the server's field errors beside their fields, a compare when someone else saved
//! first, and the audit trail. Drawn from the `admin` chunk, so agents never download it.

mod category_form;
mod page;
mod response_form;
mod unsaved;

use hovor_types::auth::Role;
use leptos::prelude::*;

use crate::components::lazy::{lazy_view, split_view};
use crate::i18n::{t, use_i18n};
use crate::state::session::{SessionState, use_session};

stylance::import_crate_style!(
    #[allow(dead_code)]
    css,
    "src/features/library/library.module.css"
);

/// `/desk/library`: the page for an administrator, whose browser alone fetches its chunk; anyone else is
/// told why (the server refuses them every request of the page too).
#[component]
pub fn LibraryRoute() -> impl IntoView {
    let i18n = use_i18n();
    match use_session().0.get_untracked() {
        SessionState::SignedIn(me) if me.role == Role::Admin => lazy_view(move || library_page(me.id)),
        _ => view! { <p class=css::error role="alert" data-testid="library-forbidden">{t!(i18n, library.admins_only)}</p> }
            .into_any(),
    }
}

split_view!(admin, fn library_page(user: i64) => view! { <page::LibraryPage user /> });
