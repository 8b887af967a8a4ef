//! Someone saved the record first: their values beside the agent's, with a choice. Nothing the agent
//! typed is lost: "Re-apply mine" saves it on top of the new version, "Use theirs" drops it.

use hovor_types::Millis;
use leptos::prelude::*;

use crate::format;
use crate::i18n::{t, use_i18n};

use crate::features::records::css;

/// One differing field: its label, the agent's value and the saved one.
pub struct Difference {
    pub label: String,
    pub mine: String,
    pub theirs: String,
}

#[component]
pub fn ConflictNotice(
    changed_by: String,
    changed_at: Millis,
    differences: Vec<Difference>,
    use_theirs: Callback<()>,
    reapply: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class=css::conflict role="alert" data-testid="conflict">
            <p>
                {t!(i18n, records.conflict, name = changed_by.clone())}
                " "
                <time>{move || format::date_time(i18n.get_locale(), changed_at)}</time>
            </p>
            <table class=css::compare>
                <thead>
                    <tr>
                        <th></th>
                        <th>{t!(i18n, records.yours)}</th>
                        <th>{t!(i18n, records.theirs, name = changed_by.clone())}</th>
                    </tr>
                </thead>
                <tbody>
                    {differences
                        .into_iter()
                        .map(|d| {
                            let differs = (d.mine != d.theirs).to_string();
                            view! {
                                <tr data-differs=differs>
                                    <th scope="row">{d.label}</th>
                                    <td data-testid="conflict-mine">{d.mine}</td>
                                    <td data-testid="conflict-theirs">{d.theirs}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <div class=css::actions>
                <button type="button" class="button" data-testid="conflict-use-theirs" on:click=move |_| use_theirs.run(())>
                    {t!(i18n, records.use_theirs)}
                </button>
                <button type="button" class="button primary" data-testid="conflict-reapply" on:click=move |_| reapply.run(())>
                    {t!(i18n, records.reapply)}
                </button>
            </div>
        </div>
    }
}
