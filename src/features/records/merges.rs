//! Merge details: the merges into this contact, newest first, and Undo last merge, which restores both
//! contacts as they were and moves the interactions back.

use hovor_types::customer::Contact;
use leptos::prelude::*;

use crate::components::lazy::split_view;
use leptos::task::spawn_local;

use crate::api::records as api;
use crate::components::form::{FieldMessage, FormErrors};
use crate::format;
use crate::i18n::{t, use_i18n};

use crate::widgets::record::css;

#[component]
pub fn MergeDetails(contact: RwSignal<Contact>, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let merges = LocalResource::new(move || {
        let (id, _) = contact.with(|c| (c.id, c.version));
        api::merges(id)
    });
    let errors = FormErrors::default();
    let busy = RwSignal::new(false);
    let undo = move |_| {
        let id = contact.with_untracked(|c| c.id);
        busy.set(true);
        spawn_local(async move {
            let result = api::undo_merge(id).await;
            busy.set(false);
            match result {
                Ok(c) => {
                    errors.clear();
                    contact.set(c);
                    changed.run(());
                }
                Err(e) => errors.api(&e),
            }
        });
    };
    let list = move || {
        merges.get().map(|r| match r {
            Err(_) => view! { <p class=css::error role="alert">{t!(i18n, pane.error)}</p> }.into_any(),
            Ok(list) if list.is_empty() => view! { <p class=css::muted>{t!(i18n, records.no_merges)}</p> }.into_any(),
            Ok(list) => {
                let can_undo = list.iter().any(|m| m.undone_at.is_none());
                view! {
                    <ol class=css::audit data-testid="merges">
                        {list.into_iter().map(|m| {
                            let (at, undone) = (m.at, m.undone_at);
                            view! {
                                <li data-undone=undone.is_some().to_string()>
                                    <span>{crate::format::t_count!(i18n, records.merged_from, m.interactions_moved, name = m.child_name.clone())}</span>
                                    <span class=css::muted>
                                        {m.by}" · "<time>{move || format::date_time(i18n.get_locale(), at)}</time>
                                        {undone.map(|u| view! {
                                            " · "{t!(i18n, records.undone)}" "<time>{move || format::date_time(i18n.get_locale(), u)}</time>
                                        })}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <button class="button" data-testid="undo-merge" disabled=move || !can_undo || busy.get() on:click=undo>
                        {t!(i18n, records.undo_merge)}
                    </button>
                }
                .into_any()
            }
        })
    };
    view! {
        <div data-testid="merge-details">
            {list}
            <FieldMessage errors field="" />
        </div>
    }
}

split_view!(records, pub fn merge_details(contact: RwSignal<Contact>, changed: Callback<()>) =>
    view! { <MergeDetails contact changed /> });
