//! Configured texts (queue names, survey questions and answers, wrap-up reasons, tags, categories,
//! skills) in the agent's language: the administrator's translations for the desk's locale, loaded
//! once per language. A text without a translation shows as configured.

use hovor_types::translation::{Translations, translate};
use leptos::prelude::*;

use crate::api::session as api;
use crate::format::tag;
use crate::i18n::use_i18n;

#[derive(Clone, Copy)]
pub struct Configured(LocalResource<Translations>);

impl Configured {
    /// `source` in the agent's language; reactive, so a view shows the translation once it loads.
    pub fn text(self, source: &str) -> String {
        self.0.with(|t| t.as_ref().map_or(source, |t| translate(t, source)).to_owned())
    }
}

/// Loads the translations for the desk's locale, again when the agent switches language.
pub fn provide_configured() {
    let i18n = use_i18n();
    let translations = LocalResource::new(move || {
        let language = tag(i18n.get_locale());
        // Unloaded, the configured texts show as written: nothing the agent needs is lost.
        async move { api::translations(language).await.unwrap_or_default() }
    });
    provide_context(Configured(translations));
}

pub fn use_configured() -> Configured {
    expect_context::<Configured>()
}

/// A configured text in the agent's language.
#[component]
pub fn ConfiguredText(#[prop(into)] text: String) -> impl IntoView {
    let configured = use_configured();
    move || configured.text(&text)
}
