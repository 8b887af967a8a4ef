use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Unknown paths lead to the desk (which itself asks to sign in when needed).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <Redirect path="/desk" /> }
}
