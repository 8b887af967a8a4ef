//! The host's commands, each carried out as the agent's own click would be (the server checks every
//! right again) and answered with a result or a typed error.

use hovor_types::conversation::{KeyValue, TaskSummary};
use hovor_types::embed::{self, AgentState, ErrorCode, InteractionRef, Message, RecordRef};
use hovor_types::session_data::{CustomDataEdit, ParameterEdit, SessionData, validate_custom_data};
use leptos::prelude::*;
use serde_json::{Value, json};

use crate::api::{ApiError, records as records_api, routing as routing_api, session as session_api};
use crate::state::embed as page;
use crate::state::session::SessionState;

use super::link::{self, HostLink, PendingDial};

/// A refusal: its code and a sentence for the integrator.
pub type Refusal = (ErrorCode, String);

/// The longest `notify` text the desk shows.
const NOTICE_MAX_CHARS: usize = 500;

pub async fn run(link: HostLink, command: Message) -> Result<Option<Value>, Refusal> {
    let result = carry_out(link, command).await;
    if matches!(&result, Err((ErrorCode::NotSignedIn, _)))
        && matches!(link.session.0.get_untracked(), SessionState::SignedIn(_))
    {
        // The server no longer knows the session (it expired): the desk asks for a sign-in, as a tab's does.
        link.session.check();
    }
    result
}

async fn carry_out(link: HostLink, command: Message) -> Result<Option<Value>, Refusal> {
    let session = link.session.0.get_untracked();
    match command {
        Message::GetState {} => return get_state(link).await.map(Some),
        Message::VisibilityChanged { visible } => {
            link.visible.set(visible);
            return Ok(None);
        }
        Message::SignIn { assertion } => return sign_in(link, assertion).await,
        _ if matches!(session, SessionState::Checking) => {
            return Err((ErrorCode::NotReady, "the desk is still checking who is signed in".into()));
        }
        _ if !matches!(session, SessionState::SignedIn(_)) => {
            return Err((ErrorCode::NotSignedIn, "the agent is not signed in".into()));
        }
        _ => {}
    }
    match command {
        Message::SetAgentState { state, reason } => {
            let (state, reason) = AgentState::wanted(&state, reason.as_deref()).ok_or_else(|| {
                invalid("state: available, or idle with break, lunch, meeting, training or after_work")
            })?;
            let status = routing_api::set_status(state, reason).await.map_err(refused)?;
            Ok(Some(json!({ "state": AgentState::from(&status) })))
        }
        Message::FocusInteraction { interaction_id } => {
            mine(interaction_id).await?;
            link.go(&format!("/desk/{interaction_id}"));
            Ok(None)
        }
        Message::Dial { number, record, auto_place } => {
            hovor_types::voice::check_number(&number).map_err(|_| invalid("number: not a phone number"))?;
            if auto_place && page::auto_dial() {
                let id = place_call(link, number, record).await?;
                return Ok(Some(json!({ "placed": true, "interactionId": id })));
            }
            // Dialling without the agent's tap is off unless the deployment enables it.
            link.dial_error.set(None);
            link.dial.set(Some(PendingDial { number: number.trim().to_owned(), record }));
            Ok(Some(json!({ "placed": false, "awaitingAgent": true })))
        }
        Message::ContextChanged { record } => {
            link.context.set(record);
            Ok(None)
        }
        Message::LinkRecord { interaction_id, record } => link_record(interaction_id, record).await,
        Message::SetData { interaction_id, data } => set_data(interaction_id, data).await,
        Message::Notify { message, level } => {
            let alert = match level.as_str() {
                "info" => false,
                "warning" | "error" => true,
                _ => return Err(invalid("level: info, warning or error")),
            };
            if message.trim().is_empty() || message.chars().count() > NOTICE_MAX_CHARS {
                return Err(invalid("message: 1 to 500 characters"));
            }
            link.notice.set(Some((message, alert)));
            Ok(None)
        }
        Message::SignOut {} => {
            link.session.sign_out().await.map_err(refused)?;
            Ok(None)
        }
        Message::Compose { to, subject } => {
            let task = crate::api::email::compose(to, subject).await.map_err(refused)?;
            opened(link, task.id);
            Ok(Some(json!({ "interactionId": task.id })))
        }
        _ => Err((ErrorCode::UnknownType, "not a command".into())),
    }
}

/// Places an outbound call to `number` as the agent's, opens it, and links the host's record to it.
pub async fn place_call(link: HostLink, number: String, record: Option<RecordRef>) -> Result<i64, Refusal> {
    let task = crate::api::voice::dial(number).await.map_err(refused)?;
    opened(link, task.id);
    if let Some(record) = record {
        // The call is placed either way; a record the server refuses only goes unlinked.
        let _ = link_record(task.id, record).await;
    }
    Ok(task.id)
}

/// A new interaction of the agent's: the task list reads it, and the desk opens it.
fn opened(link: HostLink, id: i64) {
    if let Some(live) = link::desk() {
        live.work_changed();
    }
    link.go(&format!("/desk/{id}"));
}

/// `ready`: the agent, their state and their interactions.
pub async fn ready(agent: embed::Agent) -> Message {
    let state = routing_api::status().await.ok();
    let interactions = crate::api::conversations::tasks().await.unwrap_or_default();
    Message::Ready {
        agent,
        state: state.as_ref().map(AgentState::from).unwrap_or(AgentState {
            state: "idle".into(),
            reason: None,
            since: 0,
        }),
        interactions: interactions.iter().take(READY_INTERACTIONS_MAX).map(interaction_of).collect(),
    }
}

/// `ready` and `getState` list this many interactions at most, so they stay well under 16 KiB.
const READY_INTERACTIONS_MAX: usize = 50;

pub fn interaction_of(task: &TaskSummary) -> InteractionRef {
    InteractionRef {
        interaction_id: task.id,
        channel: task.channel.as_str().to_owned(),
        queue: task.queue_name.clone(),
        customer: embed::Customer { name: task.customer_name.clone(), phone_last4: None },
    }
}

async fn get_state(link: HostLink) -> Result<Value, Refusal> {
    let SessionState::SignedIn(me) = link.session.0.get_untracked() else {
        return Ok(json!({ "signedIn": false, "handshake": link.handshake.get_untracked().as_str() }));
    };
    let Message::Ready { agent, state, interactions } =
        ready(embed::Agent { id: me.id, name: me.display_name }).await
    else {
        unreachable!("ready returns Ready")
    };
    let focused = link::desk().and_then(|live| live.open.get_untracked()).map(|open| open.id);
    Ok(json!({ "signedIn": true, "agent": agent, "state": state, "interactions": interactions,
               "focusedInteractionId": focused, "context": link.context.get_untracked() }))
}

async fn sign_in(link: HostLink, assertion: String) -> Result<Option<Value>, Refusal> {
    if matches!(link.session.0.get_untracked(), SessionState::SignedIn(_)) {
        return Err((ErrorCode::Forbidden, "the agent is signed in already".into()));
    }
    let nonce = link
        .nonce
        .get_untracked()
        .ok_or_else(|| (ErrorCode::NotReady, "wait for signInRequired and its nonce".into()))?;
    link.nonce.set(None);
    let token = match session_api::embed_session(assertion, nonce).await {
        Ok(token) => token,
        Err(e) => {
            // The nonce is spent either way: the host gets a new one to sign.
            link.ask_sign_in();
            return Err(match e {
                ApiError::Unauthenticated => (ErrorCode::Forbidden, "the assertion was refused".into()),
                other => refused(other),
            });
        }
    };
    page::set_token(Some(token.token));
    link.session.check();
    Ok(None)
}

/// Stores the host's record on the interaction as a parameter `crm.<system>.<type>` = its id, where
/// the agent's session pane shows it.
pub async fn link_record(interaction_id: i64, record: RecordRef) -> Result<Option<Value>, Refusal> {
    mine(interaction_id).await?;
    let key = format!("crm.{}.{}", record.system, record.kind);
    let data = session_of(interaction_id).await?;
    let version = data.parameters.iter().find(|p| p.key == key).map(|p| p.version);
    let edit = ParameterEdit { version, key, value: record.id };
    hovor_types::session_data::validate_parameter(&edit)
        .map_err(|e| invalid(&format!("record: {}", e.field)))?;
    records_api::save_parameter(interaction_id, &edit).await.map_err(refused)?;
    Ok(None)
}

/// Sets the interaction's custom data, by the keys the administrator defined.
async fn set_data(
    interaction_id: i64,
    data: std::collections::BTreeMap<String, String>,
) -> Result<Option<Value>, Refusal> {
    mine(interaction_id).await?;
    let now = session_of(interaction_id).await?;
    let mut values: Vec<KeyValue> = now.custom_data.clone();
    for (key, value) in data {
        match values.iter_mut().find(|kv| kv.key == key) {
            Some(kv) => kv.value = value,
            None => values.push(KeyValue { key, value }),
        }
    }
    let edit = CustomDataEdit { version: Some(now.custom_data_version), values };
    validate_custom_data(&now.custom_data, &edit)
        .map_err(|e| invalid(&format!("{}: not a custom data key", e.field)))?;
    records_api::save_custom_data(interaction_id, &edit).await.map_err(refused)?;
    Ok(None)
}

async fn session_of(interaction_id: i64) -> Result<SessionData, Refusal> {
    records_api::session(interaction_id).await.and_then(|d| d.decode()).map_err(refused)
}

/// The interaction is in the agent's task list: a host's id never reaches anyone else's work.
async fn mine(interaction_id: i64) -> Result<(), Refusal> {
    let tasks = crate::api::conversations::tasks().await.map_err(refused)?;
    if tasks.iter().any(|t| t.id == interaction_id) {
        Ok(())
    } else {
        Err((ErrorCode::NotFound, format!("no interaction {interaction_id} in the agent's task list")))
    }
}

fn invalid(what: &str) -> Refusal {
    (ErrorCode::InvalidPayload, what.to_owned())
}

/// The server's refusal as the host hears it.
fn refused(e: ApiError) -> Refusal {
    match e {
        ApiError::Unauthenticated => (ErrorCode::NotSignedIn, "the agent is not signed in".into()),
        ApiError::NotFound => (ErrorCode::NotFound, "not found".into()),
        ApiError::Validation { field, message, .. } => {
            (ErrorCode::InvalidPayload, format!("{}: {message}", field.unwrap_or_default()))
        }
        ApiError::Refused(reason) => {
            (ErrorCode::Forbidden, format!("refused: {} (see the API's reason codes)", reason.as_str()))
        }
        ApiError::RateLimited { .. } => (ErrorCode::RateLimited, "the server asks to slow down".into()),
        ApiError::Network => (ErrorCode::Timeout, "the server did not answer".into()),
        ApiError::InvalidCredentials | ApiError::Conflict(_) | ApiError::VersionConflict(_) => {
            (ErrorCode::Forbidden, "the server refused it in the record's current state".into())
        }
        ApiError::Server(_) => (ErrorCode::Forbidden, "the server could not do it".into()),
    }
}
