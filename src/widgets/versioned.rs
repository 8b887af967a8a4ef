//! Saving a record under its version, for every form that edits one (contact, account, case,
//! parameter, operator note, standard response). The server refuses a save on an old version and
//! answers with the record as it now is; the form then shows that beside the agent's values, with a
//! choice. Nothing the agent typed is lost: "Re-apply mine" saves it on top of the new version, "Use
//! theirs" drops it.

use std::future::Future;

use hovor_types::Millis;
use hovor_types::case::CaseInfo;
use hovor_types::customer::{Account, Contact};
use hovor_types::response::StandardResponse;
use hovor_types::session_data::{OperatorNote, Parameter};
use hovor_types::version::{CurrentRecord, VersionConflict};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::components::form::FormErrors;
use crate::format;
use crate::i18n::{t, use_i18n};

use crate::widgets::record::css;

/// A record saved under its version: the one in a conflict answer, when it is of this kind.
pub trait Versioned: Clone + Send + Sync + 'static {
    fn from_current(current: CurrentRecord) -> Option<Self>;
}

macro_rules! versioned {
    ($($record:ty => $variant:ident),* $(,)?) => {$(
        impl Versioned for $record {
            fn from_current(current: CurrentRecord) -> Option<Self> {
                match current {
                    CurrentRecord::$variant(record) => Some(record),
                    _ => None,
                }
            }
        }
    )*};
}
versioned!(Contact => Contact, Account => Account, CaseInfo => Case, Parameter => Parameter,
    OperatorNote => OperatorNote, StandardResponse => Response);

/// A form's save: busy while it runs, refusals beside their fields, and the conflict (who saved
/// first, and the record as they left it) until the agent chooses.
pub struct VersionedSave<R: Versioned> {
    pub busy: RwSignal<bool>,
    pub errors: FormErrors,
    pub conflict: RwSignal<Option<(VersionConflict, R)>>,
}

impl<R: Versioned> Clone for VersionedSave<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: Versioned> Copy for VersionedSave<R> {}

impl<R: Versioned> Default for VersionedSave<R> {
    fn default() -> Self {
        Self { busy: RwSignal::new(false), errors: FormErrors::default(), conflict: RwSignal::new(None) }
    }
}

impl<R: Versioned> VersionedSave<R> {
    /// Sends `request`; a saved answer clears the conflict and goes to `saved`, any refusal but a
    /// conflict goes beside its field.
    pub fn send<S: 'static>(
        self,
        request: impl Future<Output = Result<S, ApiError>> + 'static,
        saved: impl FnOnce(S) + 'static,
    ) {
        let errors = self.errors;
        self.send_or(request, saved, move |e| errors.api(&e));
    }

    /// As `send`, with the form's own handling of refusals other than a conflict.
    pub fn send_or<S: 'static>(
        self,
        request: impl Future<Output = Result<S, ApiError>> + 'static,
        saved: impl FnOnce(S) + 'static,
        refused: impl FnOnce(ApiError) + 'static,
    ) {
        self.errors.clear();
        self.busy.set(true);
        spawn_local(async move {
            let result = request.await;
            // The form may be gone by now (the agent moved on): nothing is left to tell.
            if self.busy.try_set(false).is_some() {
                return;
            }
            match result {
                Ok(record) => {
                    self.conflict.set(None);
                    saved(record);
                }
                Err(ApiError::VersionConflict(raw)) => {
                    match raw.decode().and_then(|c| R::from_current(c.current.clone()).map(|r| (c, r))) {
                        Some(conflict) => self.conflict.set(Some(conflict)),
                        None => refused(ApiError::VersionConflict(raw)),
                    }
                }
                Err(e) => refused(e),
            }
        });
    }
}

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

/// After a conflict: every field the agent left as it opened takes the saved value; their own edits stay.
pub fn keep_changes<const N: usize>(
    fields: [RwSignal<String>; N],
    opened: &[String; N],
    saved: &[String; N],
) {
    for ((field, before), saved) in fields.iter().zip(opened).zip(saved) {
        if field.get_untracked() == *before {
            field.set(saved.clone());
        }
    }
}
