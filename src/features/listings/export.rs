//! Export of the list as applied (every matching row, not only the page) as CSV or XLSX: the file is
//! read as the server streams it, with a progress bar (rows for CSV against the found count, bytes for
//! XLSX, which arrives when it is complete) and Cancel, then saved under the server's name.

use std::sync::Arc;
use std::time::Duration;

use hovor_types::listing::{ExportFormat, InteractionQuery};
use js_sys::{Array, Reflect, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Blob, BlobPropertyBag, HtmlAnchorElement, ReadableStreamDefaultReader, Url,
};

use super::strings::ListingWords;
use super::{Listing, css};
use crate::api::listings as api;
use crate::components::form::api_text;
use crate::components::strings::fill;
use crate::format::{size, tag};
use crate::i18n::{Locale, use_i18n};
use leptos_i18n::I18nContext;

/// How far a running export has come.
#[derive(Clone, Copy, PartialEq)]
enum Progress {
    /// Asked; nothing has arrived yet.
    Preparing,
    /// CSV rows read of the count found.
    Rows(u64, u64),
    /// Bytes read, where rows cannot be counted.
    Bytes(u64),
}

/// Why an export ended without a file.
enum Stop {
    Cancelled,
    Failed(String),
}

#[component]
pub fn Export(listing: Listing, words: Arc<ListingWords>) -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new(None::<Progress>);
    let said = RwSignal::new(None::<String>);
    let controller = StoredValue::new_local(None::<AbortController>);
    let start = {
        let words = words.clone();
        move |format: ExportFormat| {
            let Ok(abort) = AbortController::new() else { return };
            let signal = abort.signal();
            controller.set_value(Some(abort));
            let query = listing.applied.get_untracked();
            let total = listing.count.get_untracked().and_then(Result::ok).map(|c| c.total);
            let failed = words.export_failed.clone();
            let words = words.clone();
            progress.set(Some(Progress::Preparing));
            said.set(None);
            spawn_local(async move {
                let outcome = download(i18n, &query, format, &signal, total, progress, failed).await;
                controller.try_set_value(None);
                let _ = progress.try_set(None);
                let _ = said.try_set(Some(match outcome {
                    Ok(name) => fill(&words.exported, &[("name", &name)]),
                    Err(Stop::Cancelled) => words.export_cancelled.clone(),
                    Err(Stop::Failed(why)) => why,
                }));
            });
        }
    };
    let abort = move || {
        controller.try_with_value(|c| c.as_ref().map(AbortController::abort));
    };
    let cancel = move |_| abort();
    // Leaving the page abandons a running export rather than saving a file the agent left behind.
    on_cleanup(abort);
    let running = move || progress.with(Option::is_some);
    let bar = {
        let words = words.clone();
        move || {
            let locale = i18n.get_locale();
            progress.get().map(|p| {
                let (value, max, text) = match p {
                    Progress::Preparing => (None, None, words.preparing.clone()),
                    Progress::Rows(rows, total) => (
                        Some(rows as f64),
                        Some(total.max(1) as f64),
                        fill(&words.exporting_rows, &[("rows", &rows.to_string()), ("total", &total.to_string())]),
                    ),
                    Progress::Bytes(bytes) => (None, None, fill(&words.received, &[("size", &size(locale, bytes))])),
                };
                view! {
                    <progress data-testid="export-progress" value=value max=max aria-label=text.clone()></progress>
                    <span data-testid="export-progress-text">{text}</span>
                    <button type="button" class="button" data-testid="export-cancel" on:click=cancel>{words.cancel.clone()}</button>
                }
            })
        }
    };
    let (csv, xlsx) = (start.clone(), start);
    view! {
        <div class=css::export>
            <button type="button" class="button" data-testid="export-csv" disabled=running on:click=move |_| csv(ExportFormat::Csv)>
                {words.export_csv.clone()}
            </button>
            <button type="button" class="button" data-testid="export-xlsx" disabled=running on:click=move |_| xlsx(ExportFormat::Xlsx)>
                {words.export_xlsx.clone()}
            </button>
            {bar}
            <p class=css::note role="status" data-testid="export-said">{move || said.get()}</p>
        </div>
    }
}

/// Reads the export to its end, showing how far it has come, and hands the file to the browser.
async fn download(
    i18n: I18nContext<Locale>,
    query: &InteractionQuery,
    format: ExportFormat,
    signal: &AbortSignal,
    total: Option<u64>,
    progress: RwSignal<Option<Progress>>,
    failed: String,
) -> Result<String, Stop> {
    let stop =
        |failed: &str| if signal.aborted() { Stop::Cancelled } else { Stop::Failed(failed.to_owned()) };
    let language = tag(i18n.get_locale_untracked());
    let response = api::export(query, format, language, signal).await.map_err(|e| {
        if signal.aborted() { Stop::Cancelled } else { Stop::Failed(api_text(i18n, &e, failed.clone())) }
    })?;
    let headers = response.headers();
    let name = headers
        .get("content-disposition")
        .as_deref()
        .and_then(file_name)
        .unwrap_or_else(|| format!("interactions.{}", format.as_str()));
    let content_type = headers.get("content-type").unwrap_or_default();
    let body = response.body().ok_or_else(|| stop(&failed))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let parts = Array::new();
    let (mut bytes, mut lines) = (0u64, 0u64);
    loop {
        let read = JsFuture::from(reader.read()).await.map_err(|_| stop(&failed))?;
        if Reflect::get(&read, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let chunk: Uint8Array =
            Reflect::get(&read, &"value".into()).map_err(|_| stop(&failed))?.unchecked_into();
        bytes += u64::from(chunk.length());
        if format == ExportFormat::Csv {
            lines += chunk.to_vec().iter().filter(|b| **b == b'\n').count() as u64;
        }
        parts.push(&chunk);
        let now = match (format, total) {
            // The header is a line too; a text with a line break counts twice, so never past the end.
            (ExportFormat::Csv, Some(total)) => Progress::Rows(lines.saturating_sub(1).min(total), total),
            _ => Progress::Bytes(bytes),
        };
        let _ = progress.try_set(Some(now));
    }
    save(&parts, &content_type, &name).ok_or(Stop::Failed(failed))?;
    Ok(name)
}

/// Hands the parts to the browser as the file `name`.
fn save(parts: &Array, content_type: &str, name: &str) -> Option<()> {
    let bag = BlobPropertyBag::new();
    bag.set_type(content_type);
    let blob = Blob::new_with_u8_array_sequence_and_options(parts, &bag).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    let link: HtmlAnchorElement = document().create_element("a").ok()?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The browser has taken the file once the click's download started.
    set_timeout(move || drop(Url::revoke_object_url(&url)), Duration::from_secs(60));
    Some(())
}

/// `attachment; filename="interactions-email-2026-12-06.csv"` → the name.
fn file_name(disposition: &str) -> Option<String> {
    let name = disposition.split("filename=").nth(1)?.trim().trim_matches('"');
    (!name.is_empty() && !name.contains(['/', '\\'])).then(|| name.to_owned())
}
