//! Routing: who is offered what (skills, capacity, longest idle), what happens to an offer nobody
//! answers or somebody declines, accepting several at once, wrap-up, sign-out and transfer.
//!
//! In the small demo the first queue's members are agent1, agent4, agent5 and agent8; each agent
//! already handles two chats, so with the default chat capacity of 3 each has one free slot.

use crate::common;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::{TestServer, clock_past, envelopes};
use hovor_types::event::ServerEvent;
use hovor_types::routing::{AgentState, IdleReason, OfferEnd};
use serde_json::json;

const QUIET: Duration = Duration::from_millis(400);

/// The agent's open chat activities plus the chats offered to them: what their capacity limits.
async fn chat_load(server: &TestServer, username: &str) -> i64 {
    let agent = server.user_id(username).await;
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM activities a JOIN conversations c ON c.id = a.conversation_id
                 WHERE a.agent_id = $1 AND a.wrapped_up_at IS NULL AND c.channel = 'chat')
              + (SELECT COUNT(*) FROM offers o JOIN conversations c ON c.id = o.conversation_id
                 WHERE o.agent_id = $1 AND c.channel = 'chat')",
    )
    .bind(agent)
    .fetch_one(&server.pool)
    .await
    .unwrap()
}

async fn accept(server: &TestServer, cookie: &str, ids: &[i64]) -> serde_json::Value {
    let answer = server
        .request("POST", "/api/offers/accept", Some(cookie), Some(json!({"conversation_ids": ids})))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    answer.json
}

async fn decline(server: &TestServer, cookie: &str, id: i64) {
    let answer = server.request("POST", &format!("/api/offers/{id}/decline"), Some(cookie), None).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.json);
}

#[tokio::test]
async fn an_agent_lacking_one_of_the_queues_skills_is_never_offered_its_conversations() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let billing: i64 = sqlx::query_scalar("SELECT id FROM skills WHERE name = 'Billing'")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM user_skills WHERE user_id = $1 AND skill_id = $2")
        .bind(server.user_id("agent1").await)
        .bind(billing)
        .execute(&server.pool)
        .await
        .unwrap();
    // agent1 is available longer, so only the missing skill keeps the offers from them.
    let agent1 = server.sign_in("agent1").await;
    let agent4 = server.sign_in("agent4").await;
    let since = server.go_available(&agent1).await;
    clock_past(since).await;
    server.go_available(&agent4).await;

    let first = server.start_chat(queue, "Jana Nováková").await;
    assert_eq!(server.offered(&agent4).await, vec![first.conversation_id]);
    assert_eq!(server.offered(&agent1).await, Vec::<i64>::new());

    // agent4 is now full; agent1 still has a free slot, but not the skill.
    let second = server.start_chat(queue, "Karel Dvořák").await;
    assert_eq!(server.offers_among(&[second.conversation_id]).await, 0, "it waits in the queue");
    assert_eq!(server.offered(&agent1).await, Vec::<i64>::new());
}

#[tokio::test]
async fn offers_and_open_activities_never_exceed_capacity_and_more_capacity_offers_more_at_once() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    server.set_chat_capacity("agent1", 4).await;
    let agent1 = server.sign_in("agent1").await;
    server.go_available(&agent1).await;
    let mut chats = Vec::new();
    for n in 0..4 {
        chats.push(server.start_chat(queue, &format!("Customer {n}")).await.conversation_id);
    }
    assert_eq!(server.offered(&agent1).await, chats[..2].to_vec(), "two open chats + two offers = 4");
    assert_eq!(chat_load(&server, "agent1").await, 4);
    assert_eq!(server.offers_among(&chats[2..]).await, 0, "the rest stay queued");

    // Accepting turns an offer into an activity: still full.
    assert_eq!(accept(&server, &agent1, &chats[..1]).await["accepted"], json!([chats[0]]));
    assert_eq!(chat_load(&server, "agent1").await, 4);
    assert_eq!(server.offers_among(&chats[2..]).await, 0);

    server.set_chat_capacity("agent1", 5).await;
    assert_eq!(server.offered(&agent1).await, vec![chats[1], chats[2]], "the next in line, at once");
    assert_eq!(chat_load(&server, "agent1").await, 5);
    assert_eq!(server.offers_among(&chats[3..]).await, 0);
}

#[tokio::test]
async fn the_agent_available_longest_is_offered_first_and_after_accepting_the_other_is_next() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    server.set_chat_capacity("agent1", 10).await;
    server.set_chat_capacity("agent4", 10).await;
    let agent1 = server.sign_in("agent1").await;
    let agent4 = server.sign_in("agent4").await;
    // agent4 first, so the order is not the order of user ids.
    let since = server.go_available(&agent4).await;
    clock_past(since).await;
    server.go_available(&agent1).await;

    let first = server.start_chat(queue, "Jana Nováková").await.conversation_id;
    assert_eq!(server.offered(&agent4).await, vec![first]);
    assert_eq!(server.offered(&agent1).await, Vec::<i64>::new());
    assert_eq!(accept(&server, &agent4, &[first]).await, json!({"accepted": [first], "gone": []}));

    let second = server.start_chat(queue, "Karel Dvořák").await.conversation_id;
    assert_eq!(server.offered(&agent1).await, vec![second]);
    assert_eq!(server.offered(&agent4).await, Vec::<i64>::new());
}

#[tokio::test]
async fn an_unanswered_offer_returns_to_the_front_of_the_queue_and_sets_the_agent_idle() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    server.set_routing(queue, json!({"rona_seconds": 3})).await;
    server.state.start_routing();
    // agent4 is available longer but full, so the first chat goes to agent1.
    server.set_chat_capacity("agent4", 2).await;
    let agent1 = server.sign_in("agent1").await;
    let agent4 = server.sign_in("agent4").await;
    let since = server.go_available(&agent4).await;
    clock_past(since).await;
    server.go_available(&agent1).await;
    let mut stream = server.events(&agent1, None).await;

    let started = Instant::now();
    let first = server.start_chat(queue, "Jana Nováková").await.conversation_id;
    let offer = server.request("GET", "/api/offers", Some(&agent1), None).await.json[0].clone();
    assert_eq!(offer["conversation_id"], first);
    let expires_at = offer["expires_at"].as_i64().unwrap();
    assert_eq!(expires_at - offer["offered_at"].as_i64().unwrap(), 3_000);
    let second = server.start_chat(queue, "Karel Dvořák").await.conversation_id;
    assert_eq!(server.offers_among(&[second]).await, 0, "nobody has room for it");

    // The only wait: the no-answer deadline, seen on agent1's stream.
    let mut seen = Vec::new();
    let missed = ServerEvent::OfferEnded { conversation_id: first, reason: OfferEnd::NoAnswer };
    while !seen.iter().any(|e: &hovor_types::event::EventEnvelope| e.event == missed) {
        let event = stream.next_within(Duration::from_secs(6)).await.expect("the offer ends unanswered");
        seen.extend(envelopes(&[event]));
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(2_900) && elapsed < Duration::from_secs(6), "{elapsed:?}");
    assert!(seen.last().unwrap().at >= expires_at, "not before its deadline");
    seen.extend(envelopes(&stream.drain(QUIET).await));
    let status = seen
        .iter()
        .find_map(|e| match &e.event {
            ServerEvent::StatusChanged { status } => Some(status.clone()),
            _ => None,
        })
        .expect("status_changed");
    assert_eq!((status.state, status.idle_reason), (AgentState::Idle, Some(IdleReason::NoAnswer)));

    assert_eq!(server.offered(&agent1).await, Vec::<i64>::new());
    let now = server.request("GET", "/api/me/status", Some(&agent1), None).await.json;
    assert_eq!((now["state"].as_str(), now["idle_reason"].as_str()), (Some("idle"), Some("no_answer")));
    assert_eq!(server.offers_among(&[first, second]).await, 0, "both wait: nobody eligible has room");

    // Room for one more: the missed chat goes first, having kept its place in the queue.
    server.set_chat_capacity("agent4", 3).await;
    let offers = server.request("GET", "/api/offers", Some(&agent4), None).await.json;
    assert_eq!(offers.as_array().unwrap().len(), 1);
    assert_eq!(offers[0]["conversation_id"], first);
    assert_eq!(offers[0]["queued_at"], offer["queued_at"], "queued_at unchanged");
    assert_eq!(server.offers_among(&[second]).await, 0);
}

#[tokio::test]
async fn a_declined_offer_goes_to_another_eligible_agent_and_not_back_to_the_decliner() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let agent1 = server.sign_in("agent1").await;
    let agent4 = server.sign_in("agent4").await;
    let since = server.go_available(&agent1).await;
    clock_past(since).await;
    server.go_available(&agent4).await;

    let chat = server.start_chat(queue, "Jana Nováková").await.conversation_id;
    assert_eq!(server.offered(&agent1).await, vec![chat]);
    decline(&server, &agent1, chat).await;
    assert_eq!(server.offered(&agent4).await, vec![chat]);
    assert_eq!(server.offered(&agent1).await, Vec::<i64>::new());

    // Declined by both: it waits rather than going back to agent1, who stays eligible for others.
    decline(&server, &agent4, chat).await;
    assert_eq!(server.offers_among(&[chat]).await, 0);
    assert_eq!(server.offered(&agent1).await, Vec::<i64>::new());
    let other = server.start_chat(queue, "Karel Dvořák").await.conversation_id;
    assert_eq!(server.offered(&agent1).await, vec![other]);
    let again = server.request("POST", &format!("/api/offers/{chat}/decline"), Some(&agent1), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "no longer offered to agent1");
}

#[tokio::test]
async fn wrap_up_needs_the_end_a_reason_of_the_queue_and_is_submitted_once() {
    let server = TestServer::new().await;
    let agent1 = server.sign_in("agent1").await;
    let tasks = server.request("GET", "/api/tasks", Some(&agent1), None).await.json;
    let id = tasks[0]["id"].as_i64().unwrap();
    assert_eq!(tasks[0]["wrap_up_since"], json!(null), "not ended yet");
    let path = format!("/api/conversations/{id}/wrap-up");
    let reasons = server.request("GET", &format!("{path}-reasons"), Some(&agent1), None).await.json;
    let reasons: Vec<i64> = reasons.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(reasons.len(), 8);

    let early = server.request("POST", &path, Some(&agent1), Some(json!({"reason_id": reasons[0]}))).await;
    assert_eq!(early.status, StatusCode::CONFLICT);

    let before_end = hovor_server::db::now_ms();
    let end = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&agent1), None).await;
    assert_eq!(end.status, StatusCode::NO_CONTENT);
    let tasks = server.request("GET", "/api/tasks", Some(&agent1), None).await.json;
    let task = tasks.as_array().unwrap().iter().find(|t| t["id"] == id).expect("still a task").clone();
    assert_eq!(task["needs_wrap_up"], true);
    // The wrap-up times itself from the end.
    let since = task["wrap_up_since"].as_i64().expect("wrap-up start");
    assert!(since >= before_end && since <= hovor_server::db::now_ms(), "{since}");

    let foreign: i64 = sqlx::query_scalar(
        "SELECT id FROM wrap_up_reasons
         WHERE queue_id <> (SELECT queue_id FROM conversations WHERE id = $1) LIMIT 1",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let wrong = server.request("POST", &path, Some(&agent1), Some(json!({"reason_id": foreign}))).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json["field"], "reason_id");

    let done = server.request("POST", &path, Some(&agent1), Some(json!({"reason_id": reasons[0]}))).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT);
    let tasks = server.request("GET", "/api/tasks", Some(&agent1), None).await.json;
    assert!(tasks.as_array().unwrap().iter().all(|t| t["id"] != id), "the task left the list");
    let retry = server.request("POST", &path, Some(&agent1), Some(json!({"reason_id": reasons[0]}))).await;
    assert_eq!(retry.status, StatusCode::NO_CONTENT);
    let other = server.request("POST", &path, Some(&agent1), Some(json!({"reason_id": reasons[1]}))).await;
    assert_eq!(other.status, StatusCode::CONFLICT);

    // The desk sends its last focus report as the wrap-up leaves the screen: it still counts.
    let focus = format!("/api/conversations/{id}/focus");
    let report = json!({"focused_ms": 4_000, "interrupted": false});
    let last = server.request("POST", &focus, Some(&agent1), Some(report.clone())).await;
    assert_eq!(last.status, StatusCode::OK, "{}", last.json);
    let agent2 = server.sign_in("agent2").await;
    let stranger = server.request("POST", &focus, Some(&agent2), Some(report)).await;
    assert!(stranger.status.is_client_error(), "only the conversation's agent reports its focus");
}

#[tokio::test]
async fn an_agent_with_seven_free_slots_is_offered_seven_of_nine_and_accepts_them_in_one_call() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let mut chats = Vec::new();
    for n in 0..9 {
        chats.push(server.start_chat(queue, &format!("Customer {n}")).await.conversation_id);
    }
    assert_eq!(server.offers_among(&chats).await, 0, "nobody is available yet");
    server.set_chat_capacity("agent1", 9).await; // two chats open: seven free slots
    let agent1 = server.sign_in("agent1").await;
    server.go_available(&agent1).await;

    let offered = server.offered(&agent1).await;
    assert_eq!(offered, chats[..7].to_vec(), "the seven that waited longest");
    let result = accept(&server, &agent1, &offered).await;
    assert_eq!(result["accepted"], json!(offered));
    assert_eq!(result["gone"], json!([]));
    assert_eq!(server.offers_among(&chats[7..]).await, 0);
    assert_eq!(chat_load(&server, "agent1").await, 9);
}

#[tokio::test]
async fn sign_out_is_refused_while_an_offer_is_on_screen_and_then_sets_the_agent_signed_out() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let agent1 = server.sign_in("agent1").await;
    server.go_available(&agent1).await;
    let chat = server.start_chat(queue, "Jana Nováková").await.conversation_id;
    assert_eq!(server.offered(&agent1).await, vec![chat]);

    let refused = server.request("DELETE", "/api/session", Some(&agent1), None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(server.request("GET", "/api/session", Some(&agent1), None).await.status, StatusCode::OK);

    decline(&server, &agent1, chat).await;
    let signed_out = server.request("DELETE", "/api/session", Some(&agent1), None).await;
    assert_eq!(signed_out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        server.request("GET", "/api/session", Some(&agent1), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = server.sign_in("agent1").await;
    let status = server.request("GET", "/api/me/status", Some(&again), None).await.json;
    assert_eq!(
        (status["state"].as_str(), status["idle_reason"].as_str()),
        (Some("idle"), Some("signed_out"))
    );
}

#[tokio::test]
async fn a_transfer_to_an_agent_carries_the_note_and_records_both_activities_in_order() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let agent1 = server.sign_in("agent1").await;
    let agent4 = server.sign_in("agent4").await;
    server.go_available(&agent1).await;
    let chat = server.start_chat(queue, "Jana Nováková").await.conversation_id;
    accept(&server, &agent1, &[chat]).await;
    server.go_available(&agent4).await;

    let note = "Wants a refund for March; invoice checked.";
    let body = json!({"agent_id": server.user_id("agent4").await, "note": note});
    let transfer = server
        .request("POST", &format!("/api/conversations/{chat}/transfer"), Some(&agent1), Some(body))
        .await;
    assert_eq!(transfer.status, StatusCode::NO_CONTENT, "{}", transfer.json);

    let offers = server.request("GET", "/api/offers", Some(&agent4), None).await.json;
    assert_eq!(offers.as_array().unwrap().len(), 1);
    assert_eq!(offers[0]["conversation_id"], chat);
    assert_eq!(offers[0]["transfer_note"], note);
    let tasks = server.request("GET", "/api/tasks", Some(&agent1), None).await.json;
    let task = tasks.as_array().unwrap().iter().find(|t| t["id"] == chat).expect("agent1 owes the wrap-up");
    assert_eq!(task["needs_wrap_up"], true);

    assert_eq!(accept(&server, &agent4, &[chat]).await["accepted"], json!([chat]));
    let record = server
        .request("GET", &format!("/api/conversations/{chat}/interaction"), Some(&agent4), None)
        .await
        .json;
    let activities = record["activities"].as_array().unwrap();
    assert_eq!(activities.len(), 2);
    assert_eq!(activities[0]["agent_name"], "Tereza Malá");
    assert!(activities[0]["ended_at"].is_i64(), "the first ended with the transfer");
    assert_eq!(activities[0]["transfer_note"], serde_json::Value::Null);
    assert_eq!(activities[1]["agent_name"], "Oksana Koval");
    assert_eq!(activities[1]["ended_at"], serde_json::Value::Null);
    assert_eq!(activities[1]["transfer_note"], note);
    assert!(activities[0]["accepted_at"].as_i64() <= activities[1]["accepted_at"].as_i64());
    let summary =
        server.request("GET", &format!("/api/conversations/{chat}"), Some(&agent4), None).await.json;
    assert_eq!(summary["transfer_note"], note, "the receiver's summary shows the note too");
}

#[tokio::test]
async fn after_a_transfer_to_a_queue_of_others_the_sender_still_sees_and_wraps_up_the_conversation() {
    let server = TestServer::new().await;
    let agent1 = server.sign_in("agent1").await;
    let tasks = server.request("GET", "/api/tasks", Some(&agent1), None).await.json;
    let chat = tasks.as_array().unwrap().iter().find(|t| t["channel"] == "chat").expect("a chat").clone();
    let id = chat["id"].as_i64().unwrap();
    // agent1 works the demo's first two queues; the fourth is someone else's.
    let elsewhere = server.queue_id(2).await;
    let hovor_server::db::Flag(member) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM queue_members WHERE queue_id = $1 AND user_id = $2)",
    )
    .bind(elsewhere)
    .bind(server.user_id("agent1").await)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert!(!member, "the target queue must not be one of agent1's");
    let body = json!({"queue_id": elsewhere, "note": "Needs the delivery team."});
    let transfer =
        server.request("POST", &format!("/api/conversations/{id}/transfer"), Some(&agent1), Some(body)).await;
    assert_eq!(transfer.status, StatusCode::NO_CONTENT, "{}", transfer.json);

    let summary = server.request("GET", &format!("/api/conversations/{id}"), Some(&agent1), None).await;
    assert_eq!(summary.status, StatusCode::OK, "the sender still sees what they worked on");
    let reasons =
        server.request("GET", &format!("/api/conversations/{id}/wrap-up-reasons"), Some(&agent1), None).await;
    let reason = reasons.json[0]["id"].as_i64().expect("a reason of the queue the sender worked in");
    let path = format!("/api/conversations/{id}/wrap-up");
    let done = server.request("POST", &path, Some(&agent1), Some(json!({"reason_id": reason}))).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.json);
    let tasks = server.request("GET", "/api/tasks", Some(&agent1), None).await.json;
    assert!(tasks.as_array().unwrap().iter().all(|t| t["id"] != id));
}

#[tokio::test]
async fn going_idle_hands_the_agents_offers_back_to_the_queue() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let agent1 = server.sign_in("agent1").await;
    server.go_available(&agent1).await;
    let customer = server.start_chat(queue, "Waiting Customer").await;
    assert_eq!(server.offered(&agent1).await, vec![customer.conversation_id]);

    let idle = json!({"state": "idle", "idle_reason": "lunch"});
    let answer = server.request("PUT", "/api/me/status", Some(&agent1), Some(idle)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.json["idle_reason"], "lunch", "the agent's own reason stays");
    assert!(server.offered(&agent1).await.is_empty(), "no offer is left ringing for an Idle agent");
    let view = server.request("GET", "/api/chat/conversation", Some(&customer.cookie), None).await;
    assert_eq!(view.json["status"], "queued");
}

#[tokio::test]
async fn a_retried_send_after_the_end_answers_with_the_first_message_and_a_new_one_is_refused() {
    let server = TestServer::new().await;
    let agent1 = server.sign_in("agent1").await;
    let tasks = server.request("GET", "/api/tasks", Some(&agent1), None).await.json;
    let id = tasks[0]["id"].as_i64().unwrap();
    let path = format!("/api/conversations/{id}/messages");
    let body = json!({"body": "Last words"});
    let send = |key: &'static str| {
        let body = body.clone();
        let (path, agent1) = (path.clone(), agent1.clone());
        let server = &server;
        async move {
            server.request_with("POST", &path, Some(&agent1), Some(body), &[("Idempotency-Key", key)]).await
        }
    };
    let first = send("k-1").await;
    assert_eq!(first.status, StatusCode::CREATED);
    let end = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&agent1), None).await;
    assert_eq!(end.status, StatusCode::NO_CONTENT);
    let retry = send("k-1").await;
    assert_eq!(retry.status, StatusCode::CREATED, "a retry of a delivered message is not a failure");
    assert_eq!(retry.json["id"], first.json["id"]);
    let late = send("k-2").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
}
