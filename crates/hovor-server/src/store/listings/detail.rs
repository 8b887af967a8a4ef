//! One interaction's detail: its row, the agents' activities on it and the path it took through the
//! queues, for a scope that may see it.

use hovor_types::listing::{ActivityDetail, InteractionDetail, Named, ProcessingStep, StepKind, UniqueName};

use super::Scope;
use crate::db::Conn;
use crate::error::AppResult;

/// The interaction a unique name names (an activity's is the one it worked on), when `scope` may
/// see it; `None` otherwise, also when `email-5` names a chat.
pub async fn named(conn: &mut Conn, scope: Scope, name: UniqueName) -> AppResult<Option<InteractionDetail>> {
    let id = match name {
        UniqueName::Interaction(_, id) => Some(id),
        UniqueName::Activity(id) => {
            sqlx::query_scalar("SELECT conversation_id FROM activities WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    let Some(id) = id else { return Ok(None) };
    let found = detail(conn, scope, id).await?;
    Ok(found.filter(|d| match name {
        UniqueName::Interaction(channel, _) => d.interaction.channel == channel,
        UniqueName::Activity(_) => true,
    }))
}

/// The interaction `id`'s detail, when `scope` may see it.
pub async fn detail(conn: &mut Conn, scope: Scope, id: i64) -> AppResult<Option<InteractionDetail>> {
    let Some(interaction) = super::one(conn, scope, id).await? else { return Ok(None) };
    let activities = activities(conn, id).await?;
    let path = path(conn, id, &activities).await?;
    let feedback = crate::store::feedback::answers(conn, &[id]).await?.remove(&id).unwrap_or_default();
    Ok(Some(InteractionDetail { interaction, activities, path, feedback }))
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: i64,
    agent_id: i64,
    agent_name: String,
    queue_id: i64,
    queue_name: String,
    accepted_at: i64,
    ended_at: Option<i64>,
    wrapped_up_at: Option<i64>,
    reason: Option<String>,
    focused_ms: i64,
    interruptions: i64,
    focus_anomaly: i64,
    transfer_note: Option<String>,
}

async fn activities(conn: &mut Conn, id: i64) -> AppResult<Vec<ActivityDetail>> {
    let rows: Vec<ActivityRow> = sqlx::query_as(
        "SELECT a.id, a.agent_id, u.display_name AS agent_name, a.queue_id, q.name AS queue_name, a.accepted_at,
                a.ended_at, a.wrapped_up_at, r.label AS reason, a.focused_ms, a.interruptions, a.focus_anomaly,
                a.transfer_note
         FROM activities a JOIN users u ON u.id = a.agent_id JOIN queues q ON q.id = a.queue_id
         LEFT JOIN wrap_up_reasons r ON r.id = a.wrap_up_reason_id
         WHERE a.conversation_id = $1 ORDER BY a.accepted_at, a.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|a| ActivityDetail {
            id: a.id,
            unique_name: UniqueName::Activity(a.id).to_string(),
            user: Named { id: a.agent_id, name: a.agent_name },
            queue: Named { id: a.queue_id, name: a.queue_name },
            accepted_at: a.accepted_at,
            ended_at: a.ended_at,
            wrapped_up_at: a.wrapped_up_at,
            wrap_up_reason: a.reason,
            focus_ms: a.focused_ms,
            interruptions: u32::try_from(a.interruptions).unwrap_or(0),
            time_anomaly: a.focus_anomaly != 0,
            transfer_note: a.transfer_note,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct SegmentRow {
    queue_name: String,
    entered_at: i64,
    answered_at: Option<i64>,
    left_at: Option<i64>,
    outcome: Option<String>,
    ronas: i64,
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    queue_name: String,
    agent_name: String,
    offered_at: i64,
    ended_at: Option<i64>,
    outcome: Option<String>,
}

/// The queues it waited in (entered, answered, transferred or abandoned, with the offers that went
/// unanswered there), each offer to an agent (declined or missed ones with when), and each activity's
/// end and wrap-up, in time order.
async fn path(conn: &mut Conn, id: i64, activities: &[ActivityDetail]) -> AppResult<Vec<ProcessingStep>> {
    let segments: Vec<SegmentRow> = sqlx::query_as(
        "SELECT q.name AS queue_name, s.entered_at, s.answered_at, s.left_at, s.outcome, s.ronas
         FROM queue_segments s JOIN queues q ON q.id = s.queue_id
         WHERE s.conversation_id = $1 ORDER BY s.entered_at, s.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let step = |at, kind, queue: Option<&str>, user: Option<&str>, ronas: i64| ProcessingStep {
        at,
        kind,
        queue: queue.map(str::to_owned),
        user: user.map(str::to_owned),
        ronas: u32::try_from(ronas).unwrap_or(0),
    };
    let offers: Vec<OfferRow> = sqlx::query_as(
        "SELECT q.name AS queue_name, u.display_name AS agent_name, o.offered_at, o.ended_at, o.outcome
         FROM offer_log o JOIN queues q ON q.id = o.queue_id JOIN users u ON u.id = o.agent_id
         WHERE o.conversation_id = $1 ORDER BY o.offered_at, o.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut path = Vec::new();
    for s in &segments {
        let queue = Some(s.queue_name.as_str());
        let closing = match (s.outcome.as_deref(), s.answered_at.or(s.left_at)) {
            (Some("answered"), Some(at)) => {
                // The agent whose offer in this queue was accepted then; for interactions from
                // before offers were kept, the agent whose activity began nearest to it.
                let accepted = offers
                    .iter()
                    .filter(|o| o.outcome.as_deref() == Some("accepted") && o.queue_name == s.queue_name)
                    .filter_map(|o| o.ended_at.map(|ended| ((ended - at).abs(), o.agent_name.as_str())))
                    .min_by_key(|(distance, _)| *distance)
                    .map(|(_, name)| name);
                let user = accepted.or_else(|| {
                    activities.iter().min_by_key(|a| (a.accepted_at - at).abs()).map(|a| a.user.name.as_str())
                });
                Some(step(at, StepKind::Answered, queue, user, s.ronas))
            }
            (Some("transferred"), Some(at)) => Some(step(at, StepKind::Transferred, queue, None, s.ronas)),
            (Some("abandoned"), Some(at)) => Some(step(at, StepKind::Abandoned, queue, None, s.ronas)),
            _ => None,
        };
        let waiting_ronas = if closing.is_some() { 0 } else { s.ronas };
        path.push(step(s.entered_at, StepKind::Queued, queue, None, waiting_ronas));
        path.extend(closing);
    }
    for o in &offers {
        let (queue, user) = (Some(o.queue_name.as_str()), Some(o.agent_name.as_str()));
        path.push(step(o.offered_at, StepKind::Offered, queue, user, 0));
        // An accepted offer is the queue's Answered step; a withdrawn one ended with the customer.
        let refused = match o.outcome.as_deref() {
            Some("declined") => Some(StepKind::Declined),
            Some("no_answer") => Some(StepKind::Missed),
            _ => None,
        };
        if let (Some(kind), Some(at)) = (refused, o.ended_at) {
            path.push(step(at, kind, queue, user, 0));
        }
    }
    for a in activities {
        let (queue, user) = (Some(a.queue.name.as_str()), Some(a.user.name.as_str()));
        path.extend(a.ended_at.map(|at| step(at, StepKind::Ended, queue, user, 0)));
        path.extend(a.wrapped_up_at.map(|at| step(at, StepKind::WrappedUp, queue, user, 0)));
    }
    path.sort_by_key(|s| (s.at, same_instant_order(s.kind)));
    Ok(path)
}

/// Steps of one instant in the order they happen: a transfer leaves before the next queue is entered,
/// a refused offer ends before the next is made, an offer comes before its answer.
fn same_instant_order(kind: StepKind) -> u8 {
    match kind {
        StepKind::Transferred => 0,
        StepKind::Queued => 1,
        StepKind::Declined | StepKind::Missed => 2,
        StepKind::Offered => 3,
        StepKind::Answered | StepKind::Abandoned => 4,
        StepKind::Ended => 5,
        StepKind::WrappedUp => 6,
    }
}
