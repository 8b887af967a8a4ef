//! Generates the typed translation module from `locales/*.json` (leptos_i18n).

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // Interpolated strings are also needed as plain text (titles, aria-labels).
    let options = ParseOptions::default().interpolate_display(true);
    let config =
        Config::new("en")?.add_locale("cs")?.add_locale("bg")?.add_locale("uk")?.parse_options(options);
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
