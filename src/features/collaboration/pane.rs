//! What each person does with a shared conversation, and the invitee's list of invitations.

use hovor_types::collaboration::{CollaborationView, Invitation, InvitationStatus, NewInvitation};
use hovor_types::conversation::Channel;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::css;
use crate::api::collaboration as api;
use crate::components::form::{FieldMessage, FormErrors};
use crate::features::responses::insert::use_inserter;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::conversation::use_open_conversation;
use crate::state::live::use_live;
use crate::widgets::record::css as record;

#[component]
pub fn Collaboration(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    let refresh = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        open.collaboration.track();
        refresh.track();
        api::view(id)
    });
    let reload = refresh;
    let forms = Forms::default();
    view! {
        <div class=css::collaboration data-testid="collaboration-body">
            <button type="button" class="button" data-testid="collab-refresh" on:click=move |_| bump(reload)>
                {t!(i18n, collab.refresh)}
            </button>
            {move || data.get().map(|result| match result {
                Ok(view) => view_for(id, view, reload, forms).into_any(),
                Err(_) => view! { <p class=css::error role="alert">{t!(i18n, collab.load_failed)}</p> }.into_any(),
            })}
        </div>
    }
}

/// What the agent is typing in the pane: kept while the lists around it load again (an invitee's answer
/// reloads the owner's list).
#[derive(Clone, Copy)]
struct Forms {
    invitee: RwSignal<String>,
    message: RwSignal<String>,
    /// The invitee's draft once they started it (or what they proposed before).
    proposal: RwSignal<Option<String>>,
}

impl Default for Forms {
    fn default() -> Self {
        Forms {
            invitee: RwSignal::new(String::new()),
            message: RwSignal::new(String::new()),
            proposal: RwSignal::new(None),
        }
    }
}

fn view_for(id: i64, view: CollaborationView, reload: RwSignal<u32>, forms: Forms) -> impl IntoView {
    match (view.owner, view.channel) {
        (true, Channel::Email) => view! { <OwnerInvitations id view reload forms /> }.into_any(),
        (true, _) => view! { <OwnerCollaborators id view reload /> }.into_any(),
        (false, _) => view! {
            <ul class=record::card_list>
                {view.invitations.into_iter().map(|invitation| view! { <InviteeView invitation reload forms /> }).collect_view()}
            </ul>
            <Collaborators view=view.collaborators.iter().map(|c| c.name.clone()).collect() />
        }
        .into_any(),
    }
}

#[component]
fn Collaborators(view: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    (!view.is_empty()).then(|| view! {
        <p class=css::note data-testid="collaborators">{t!(i18n, collab.collaborators)}": "{view.join(", ")}</p>
    })
}

/// The owner of an email: New invitation, and each invitation with its status and proposal.
#[component]
fn OwnerInvitations(id: i64, view: CollaborationView, reload: RwSignal<u32>, forms: Forms) -> impl IntoView {
    let i18n = use_i18n();
    let inserter = use_inserter();
    let errors = FormErrors::default();
    let Forms { invitee, message, .. } = forms;
    let failed = t_string!(i18n, collab.failed).to_string();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewInvitation {
            invitee_id: invitee.get_untracked().parse().ok(),
            message: message.get_untracked(),
        };
        if let Err(e) = hovor_types::collaboration::validate_invitation(&request) {
            errors.field(&e);
            return;
        }
        errors.clear();
        let failed = failed.clone();
        spawn_local(async move {
            match api::invite(id, &request).await {
                Ok(_) => {
                    let _ = message.try_set(String::new());
                    bump(reload);
                }
                Err(e) => errors.answer(i18n, &e, failed),
            }
        });
    };
    let colleagues = view.colleagues.clone();
    view! {
        <form class=css::form data-testid="new-invitation" on:submit=send>
            <h3>{t!(i18n, collab.new_invitation)}</h3>
            <label>
                <span>{t!(i18n, collab.agent)}</span>
                <select data-testid="invitation-agent" name="invitee_id" on:change=move |ev| invitee.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, collab.choose_agent)}</option>
                    {colleagues.into_iter().map(|c| {
                        let value = c.id.to_string();
                        let chosen = invitee.get_untracked() == value;
                        view! { <option value=value selected=chosen>{c.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <FieldMessage errors field="invitee_id" />
            <label>
                <span>{t!(i18n, collab.message)}</span>
                <textarea data-testid="invitation-message" name="message" rows="2" prop:value=move || message.get()
                    on:input=move |ev| message.set(event_target_value(&ev))></textarea>
            </label>
            <FieldMessage errors field="message" />
            <FieldMessage errors field="" />
            <button type="submit" class="button primary" data-testid="invitation-send">{t!(i18n, collab.send)}</button>
        </form>
        <ul class=record::card_list data-testid="invitations">
            {view.invitations.into_iter().map(|invitation| {
                let proposal = invitation.proposal.clone();
                let invitation_id = invitation.id;
                view! {
                    <li class=record::card data-testid="invitation" data-status=invitation.status.as_str()>
                        <p><strong>{invitation.invitee.clone()}</strong>" · "<StatusLabel status=invitation.status /></p>
                        <p class=css::note>{invitation.message.clone()}</p>
                        {proposal.map(|text| {
                            let insert = text.clone();
                            view! {
                                <blockquote class=css::proposal data-testid="invitation-proposal">{text}</blockquote>
                                <button type="button" class="button" data-testid="invitation-insert"
                                    on:click=move |_| inserter.insert(insert.clone(), None)>{t!(i18n, collab.insert)}</button>
                            }
                        })}
                        <button type="button" class="button" data-testid="invitation-delete" on:click=move |_| {
                            spawn_local(async move {
                                let _ = api::delete_invitation(id, invitation_id).await;
                                bump(reload);
                            });
                        }>{t!(i18n, collab.delete)}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The owner of a chat: who writes in it beside them.
#[component]
fn OwnerCollaborators(id: i64, view: CollaborationView, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::default();
    let chosen = RwSignal::new(String::new());
    let failed = t_string!(i18n, collab.failed).to_string();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(user) = chosen.get_untracked().parse::<i64>() else {
            errors.field(&hovor_types::error::FieldError::new("user_id", hovor_types::error::Rule::Required));
            return;
        };
        errors.clear();
        let failed = failed.clone();
        spawn_local(async move {
            match api::add_collaborator(id, user).await {
                Ok(()) => bump(reload),
                Err(e) => errors.answer(i18n, &e, failed),
            }
        });
    };
    let colleagues = view.colleagues.clone();
    view! {
        <ul class=record::card_list data-testid="collaborators">
            {view.collaborators.into_iter().map(|c| {
                let user = c.user_id;
                view! {
                    <li class=record::card data-testid="collaborator">
                        <span>{c.name}</span>
                        <button type="button" class="button" on:click=move |_| {
                            spawn_local(async move {
                                let _ = api::remove_collaborator(id, user).await;
                                bump(reload);
                            });
                        }>{t!(i18n, collab.remove)}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <form class=css::form data-testid="add-collaborator" on:submit=add>
            <label>
                <span>{t!(i18n, collab.agent)}</span>
                <select data-testid="collaborator-agent" name="user_id" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, collab.choose_agent)}</option>
                    {colleagues.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                </select>
            </label>
            <FieldMessage errors field="user_id" />
            <FieldMessage errors field="" />
            <button type="submit" class="button primary" data-testid="collaborator-add">{t!(i18n, collab.add)}</button>
        </form>
    }
}

/// An invitee on the conversation: accept or decline, then propose a draft.
#[component]
fn InviteeView(invitation: Invitation, reload: RwSignal<u32>, forms: Forms) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::default();
    let draft = forms.proposal;
    let invitation_proposal = invitation.proposal.clone();
    let proposal =
        Signal::derive(move || draft.get().or_else(|| invitation_proposal.clone()).unwrap_or_default());
    let id = invitation.id;
    let failed = t_string!(i18n, collab.failed).to_string();
    let propose = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(e) = hovor_types::message::validate_message_body(&proposal.get_untracked()) {
            errors.field(&e);
            return;
        }
        errors.clear();
        let failed = failed.clone();
        let body = proposal.get_untracked();
        spawn_local(async move {
            match api::propose(id, body).await {
                Ok(_) => bump(reload),
                Err(e) => errors.answer(i18n, &e, failed),
            }
        });
    };
    let writing = matches!(invitation.status, InvitationStatus::Accepted | InvitationStatus::Answered);
    view! {
        <li class=record::card data-testid="my-invitation" data-status=invitation.status.as_str()>
            <p>{t!(i18n, collab.invited_by, name = invitation.owner.clone())}" · "<StatusLabel status=invitation.status /></p>
            <p class=css::note>{invitation.message.clone()}</p>
            <AnswerButtons invitation=invitation.clone() reload />
            {writing.then(|| view! {
                <form class=css::form on:submit=propose>
                    <label>
                        <span>{t!(i18n, collab.proposal)}</span>
                        <textarea data-testid="proposal" name="body" rows="4" prop:value=move || proposal.get()
                            on:input=move |ev| draft.set(Some(event_target_value(&ev)))></textarea>
                    </label>
                    <FieldMessage errors field="body" />
                    <FieldMessage errors field="" />
                    <button type="submit" class="button primary" data-testid="proposal-send">{t!(i18n, collab.send_proposal)}</button>
                </form>
            })}
        </li>
    }
}

/// Accept and Decline while an invitation waits for an answer.
#[component]
fn AnswerButtons(invitation: Invitation, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let id = invitation.id;
    let answer = move |accept: bool| {
        spawn_local(async move {
            let _ = if accept { api::accept(id).await } else { api::decline(id).await };
            bump(reload);
        });
    };
    (invitation.status == InvitationStatus::Pending).then(|| view! {
        <span class=css::buttons>
            <button type="button" class="button primary" data-testid="invitation-accept" on:click=move |_| answer(true)>{t!(i18n, collab.accept)}</button>
            <button type="button" class="button" data-testid="invitation-decline" on:click=move |_| answer(false)>{t!(i18n, collab.decline)}</button>
        </span>
    })
}

#[component]
fn StatusLabel(status: InvitationStatus) -> impl IntoView {
    let i18n = use_i18n();
    let label = match status {
        InvitationStatus::Pending => t!(i18n, collab.pending).into_any(),
        InvitationStatus::Accepted => t!(i18n, collab.accepted).into_any(),
        InvitationStatus::Answered => t!(i18n, collab.answered).into_any(),
        InvitationStatus::Declined => t!(i18n, collab.declined).into_any(),
    };
    view! { <span class=css::status data-testid="invitation-status">{label}</span> }
}

/// Loads the list again; a task that outlived its pane changes nothing.
fn bump(reload: RwSignal<u32>) {
    let _ = reload.try_update(|n| *n += 1);
}

/// `/desk/invitations`: the colleagues who asked this agent for help, newest first.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let refresh = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        live.invitations.track();
        refresh.track();
        api::mine()
    });
    let reload = refresh;
    view! {
        <section class=css::page data-testid="invitations-page">
            <h2>{t!(i18n, collab.invitations)}</h2>
            {move || data.get().map(|result| match result {
                Ok(list) if list.is_empty() => view! { <p class=css::note>{t!(i18n, collab.no_invitations)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class=record::card_list>
                        {list.into_iter().map(|invitation| {
                            let conversation = invitation.conversation_id;
                            let declined = invitation.status == InvitationStatus::Declined;
                            view! {
                                <li class=record::card data-testid="invitation-row" data-status=invitation.status.as_str()>
                                    <p><strong>{invitation.subject.clone().unwrap_or_default()}</strong></p>
                                    <p>{t!(i18n, collab.invited_by, name = invitation.owner.clone())}" · "<StatusLabel status=invitation.status /></p>
                                    <p class=css::note>{invitation.message.clone()}</p>
                                    <AnswerButtons invitation=invitation.clone() reload />
                                    {(!declined).then(|| view! {
                                        <a class="button" data-testid="invitation-open" href=format!("/desk/{conversation}")
                                            on:click=move |_| live.collaborate.set(Some(conversation))>{t!(i18n, collab.open)}</a>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
                Err(_) => view! { <p class=css::error role="alert">{t!(i18n, collab.load_failed)}</p> }.into_any(),
            })}
        </section>
    }
}
