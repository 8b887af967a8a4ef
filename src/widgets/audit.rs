//! A record's changes: who changed which field, when, from what to what. Loaded when opened, and
//! again after each save while open.

use leptos::prelude::*;

use crate::api::records as api;
use crate::format;
use crate::i18n::{t, use_i18n};

use crate::widgets::record::css;

#[component]
pub fn AuditLog(record: &'static str, id: Signal<i64>, version: Signal<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let entries = LocalResource::new(move || {
        let (open, id) = (open.get(), id.get());
        version.track();
        async move { if open { api::audit(record, id).await.ok() } else { None } }
    });
    let list = move || {
        entries.get().flatten().map(|entries| {
            if entries.is_empty() {
                return view! { <p class=css::muted>{t!(i18n, records.no_changes)}</p> }.into_any();
            }
            view! {
                <ol class=css::audit data-testid="audit">
                    {entries.into_iter().map(|e| {
                        let at = e.at;
                        let change = format!(
                            "{}: {} → {}",
                            e.field,
                            e.old_value.unwrap_or_else(|| "—".into()),
                            e.new_value.unwrap_or_else(|| "—".into())
                        );
                        view! {
                            <li>
                                <span>{change}</span>
                                <span class=css::muted>
                                    {e.by}" · "<time>{move || format::date_time(i18n.get_locale(), at)}</time>
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }
            .into_any()
        })
    };
    view! {
        <div class=css::changes>
            <button type="button" class="button" data-testid="audit-toggle" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {t!(i18n, records.changes)}
            </button>
            {move || open.get().then(list)}
        </div>
    }
}
