//! String packs: the words of a feature that only some agents open (callbacks, say), fetched with
//! the feature from `/strings/<pack>/<language>.json` (`locales/packs/`) instead of riding in the desk's
//! start in four languages. A pack is a struct with one field per string, so a missing key fails to
//! load instead of showing a blank; the build checks every language has every key.

use std::sync::Arc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::format::tag;
use crate::i18n::use_i18n;

/// The pack `name` in the desk's language, fetched again when the agent switches language. `None`
/// until it is here (and when it could not be fetched).
pub fn load<T: DeserializeOwned + 'static>(name: &'static str) -> LocalResource<Option<Arc<T>>> {
    let i18n = use_i18n();
    LocalResource::new(move || {
        let language = tag(i18n.get_locale());
        async move {
            let path = format!("/strings/{name}/{language}.json");
            crate::api::client::get::<T>(&path).await.ok().map(Arc::new)
        }
    })
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}
