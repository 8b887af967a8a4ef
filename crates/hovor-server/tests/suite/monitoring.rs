//! What supervisors do about their queues' work: offer a waiting chat to a named agent, reassign one,
//! sign an agent out, read a chat live and whisper to its agent (never to the customer), barge in,
//! and on a call listen silently, coach and barge in, heard as real audio.

use std::time::Duration;

use axum::http::StatusCode;
use hovor_server::voice::tone::share;
use serde_json::{Value, json};

use crate::common::{EventStream, Sse, TestServer};
use crate::voice::{Phone, Tunes, heard_since, until};

async fn actions(server: &TestServer, conversation: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM supervisor_actions WHERE conversation_id = $1 ORDER BY id")
        .bind(conversation)
        .fetch_all(&server.pool)
        .await
        .unwrap()
}

/// Reads the stream up to the first event that mentions `needle`; every event read, in order.
async fn until_event(stream: &mut EventStream, needle: &str) -> Vec<Sse> {
    let mut seen = Vec::new();
    loop {
        let Some(event) = stream.next_within(Duration::from_secs(10)).await else {
            panic!("no event mentions {needle}: {seen:?}");
        };
        let found = event.data.contains(needle);
        seen.push(event);
        if found {
            return seen;
        }
    }
}

async fn members(server: &TestServer, queue: i64, count: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT u.username FROM queue_members m JOIN users u ON u.id = m.user_id
         WHERE m.queue_id = $1 AND u.role = 'agent' ORDER BY u.id LIMIT $2",
    )
    .bind(queue)
    .bind(count)
    .fetch_all(&server.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_supervisor_offers_a_waiting_chat_to_a_named_agent_reassigns_it_and_signs_an_agent_out() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let names = members(&server, queue, 3).await;
    let (first, second) = (server.sign_in(&names[0]).await, server.sign_in(&names[1]).await);
    let second_id = server.user_id(&names[1]).await;
    let third_id = server.user_id(&names[2]).await;
    let supervisor = server.sign_in("supervisor").await;
    server.go_available(&first).await;
    let chat = server.start_chat(queue, "Olga").await;
    let id = chat.conversation_id;
    assert_eq!(server.offered(&first).await, vec![id], "the longest-idle agent's desk rings");
    let offer = |user: Value, cookie: String| {
        let server = &server;
        async move {
            let path = format!("/api/supervisor/conversations/{id}/offer");
            server.request("POST", &path, Some(&cookie), Some(json!({ "user_id": user }))).await
        }
    };

    // Only an Available agent of the queue can be named; an agent cannot offer at all.
    let idle = offer(json!(third_id), supervisor.clone()).await;
    assert_eq!(
        (idle.status, idle.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("user_id"))
    );
    assert_eq!(offer(json!(second_id), first.clone()).await.status, StatusCode::FORBIDDEN);

    // Offered to the second agent: the first agent's offer is withdrawn.
    server.go_available(&second).await;
    assert_eq!(offer(json!(second_id), supervisor.clone()).await.status, StatusCode::NO_CONTENT);
    assert_eq!(server.offered(&first).await, Vec::<i64>::new());
    assert_eq!(server.offered(&second).await, vec![id]);
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&second), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]), "{}", accepted.json);
    let taken = offer(json!(second_id), supervisor.clone()).await;
    assert_eq!((taken.status, taken.json["reason"].as_str()), (StatusCode::CONFLICT, Some("not_waiting")));

    // Reassigned to another queue: it waits there, and the agent owes the wrap-up.
    let other = server.queue_id(1).await;
    let path = format!("/api/supervisor/conversations/{id}/reassign");
    let moved = server
        .request("POST", &path, Some(&supervisor), Some(json!({"queue_id": other, "note": "VIP, billing"})))
        .await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT, "{}", moved.json);
    let (queue_now, agent_now): (i64, Option<i64>) =
        sqlx::query_as("SELECT queue_id, agent_id FROM conversations WHERE id = $1")
            .bind(id)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!((queue_now, agent_now), (other, None));
    let tasks = server.request("GET", "/api/tasks", Some(&second), None).await;
    let task = tasks.json.as_array().unwrap().iter().find(|t| t["id"] == id).expect("still in the task list");
    assert_eq!(task["needs_wrap_up"], true);
    assert_eq!(actions(&server, id).await, ["offer", "reassign"]);

    // Signed out by the supervisor: every session of the agent ends and they are Idle, signed out.
    let path = format!("/api/supervisor/agents/{second_id}/sign-out");
    assert_eq!(server.request("POST", &path, Some(&supervisor), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        server.request("GET", "/api/session", Some(&second), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let state: (String, Option<String>) =
        sqlx::query_as("SELECT state, idle_reason FROM agent_states WHERE user_id = $1")
            .bind(second_id)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!(state, ("idle".to_owned(), Some("signed_out".to_owned())));
}

/// A chat of the demo's first queue, accepted by one of its agents: (customer, agent's cookie, id).
async fn accepted_chat(server: &TestServer) -> (crate::common::Customer, String, i64) {
    let queue = server.queue_id(0).await;
    let agent = server.sign_in(&members(server, queue, 1).await[0]).await;
    server.go_available(&agent).await;
    let customer = server.start_chat(queue, "Petra").await;
    let id = customer.conversation_id;
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]), "{}", accepted.json);
    (customer, agent, id)
}

#[tokio::test]
async fn a_supervisor_reads_a_chat_live_whispers_to_its_agent_only_and_barges_in() {
    let server = TestServer::new().await;
    let (customer, agent, id) = accepted_chat(&server).await;
    let supervisor = server.sign_in("supervisor").await;
    let monitor = format!("/api/supervisor/conversations/{id}/monitor");
    let supervision = format!("/api/conversations/{id}/supervision");

    // A chat is read, not heard; an agent cannot monitor.
    let heard = server.request("POST", &monitor, Some(&supervisor), Some(json!({"mode": "listen"}))).await;
    assert_eq!(
        (heard.status, heard.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("mode"))
    );
    let by_agent = server.request("POST", &monitor, Some(&agent), Some(json!({"mode": "read"}))).await;
    assert_eq!(by_agent.status, StatusCode::FORBIDDEN);

    // The queue tells its agents (the default): the agent's desk learns it at once.
    let mut agent_events = server.events(&agent, None).await;
    let read = server.request("POST", &monitor, Some(&supervisor), Some(json!({"mode": "read"}))).await;
    assert_eq!(read.status, StatusCode::NO_CONTENT, "{}", read.json);
    until_event(&mut agent_events, "monitoring_changed").await;
    let seen = server.request("GET", &supervision, Some(&agent), None).await;
    assert_eq!(seen.json["monitors"][0]["mode"], "read", "{}", seen.json);
    assert_eq!(seen.json["monitors"][0]["name"], "Martina Králová");

    // The supervisor reads the conversation and its messages as they come.
    let mut supervisor_events = server.events(&supervisor, None).await;
    let said = server
        .request(
            "POST",
            "/api/chat/messages",
            Some(&customer.cookie),
            Some(json!({"body": "Where is my parcel?"})),
        )
        .await;
    assert_eq!(said.status, StatusCode::CREATED);
    until_event(&mut supervisor_events, "Where is my parcel?").await;

    // A whisper reaches the agent and never the customer.
    let whisper = "Offer the express refund";
    let whisper_path = format!("/api/supervisor/conversations/{id}/whispers");
    let sent =
        server.request("POST", &whisper_path, Some(&supervisor), Some(json!({ "body": whisper }))).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);
    let empty = server.request("POST", &whisper_path, Some(&supervisor), Some(json!({"body": "  "}))).await;
    assert_eq!(empty.json["field"], "body");
    let told = until_event(&mut agent_events, "whisper_created").await;
    assert!(told.iter().all(|e| !e.data.contains(whisper)), "the text stays out of the stream: {told:?}");
    let seen = server.request("GET", &supervision, Some(&agent), None).await;
    assert_eq!(seen.json["whispers"][0]["body"], whisper);
    // The customer's stream, replayed from the start, has their own message and no whisper.
    let mut customer_events = server.stream("/api/chat/events", &customer.cookie, Some(0)).await;
    let customer_saw = until_event(&mut customer_events, "Where is my parcel?").await;
    assert!(customer_saw.iter().all(|e| !e.data.contains(whisper)), "{customer_saw:?}");
    let later = customer_events.drain(Duration::from_millis(300)).await;
    assert!(later.iter().all(|e| !e.data.contains(whisper)), "{later:?}");
    let view = server.request("GET", "/api/chat/conversation", Some(&customer.cookie), None).await;
    assert!(!view.json.to_string().contains(whisper));
    // Other agents of the queue never read the whispers.
    let colleague = server.sign_in(&members(&server, server.queue_id(0).await, 2).await[1]).await;
    assert_eq!(
        server.request("GET", &supervision, Some(&colleague), None).await.status,
        StatusCode::NOT_FOUND
    );

    // A queue that does not tell its agents: the agent's desk hears nothing of the next monitoring.
    let queue = server.queue_id(0).await;
    let admin = server.sign_in("admin").await;
    let setting = format!("/api/admin/queues/{queue}/monitoring");
    let off = server.request("PUT", &setting, Some(&admin), Some(json!({"announce": false}))).await;
    assert_eq!(off.json["announce"], false, "{}", off.json);
    assert_eq!(
        server.request("DELETE", &monitor, Some(&supervisor), None).await.status,
        StatusCode::NO_CONTENT
    );
    server.request("POST", &monitor, Some(&supervisor), Some(json!({"mode": "read"}))).await;
    // A whisper after it marks the place: nothing before it told the agent.
    let marker =
        server.request("POST", &whisper_path, Some(&supervisor), Some(json!({"body": "Marker"}))).await;
    assert_eq!(marker.status, StatusCode::CREATED);
    let quiet = until_event(&mut agent_events, "whisper_created").await;
    assert!(quiet.iter().all(|e| !e.data.contains("monitoring_changed")), "{quiet:?}");
    assert_eq!(server.request("GET", &supervision, Some(&agent), None).await.json["monitors"], json!([]));

    // Barge-in: the supervisor joins as collaborator and writes to the customer.
    let path = format!("/api/supervisor/conversations/{id}/barge-in");
    assert_eq!(server.request("POST", &path, Some(&supervisor), None).await.status, StatusCode::NO_CONTENT);
    let tasks = server.request("GET", "/api/tasks", Some(&supervisor), None).await;
    let task =
        tasks.json.as_array().unwrap().iter().find(|t| t["id"] == id).expect("in the supervisor's tasks");
    assert_eq!(task["collaborating"], true);
    let path = format!("/api/conversations/{id}/messages");
    let wrote = server
        .request(
            "POST",
            &path,
            Some(&supervisor),
            Some(json!({"body": "I am the team lead, we will fix this."})),
        )
        .await;
    assert_eq!(wrote.status, StatusCode::CREATED, "{}", wrote.json);
    assert_eq!(
        actions(&server, id).await,
        ["monitor", "whisper", "stop_monitoring", "monitor", "whisper", "barge_in"]
    );
}

/// Dials the demo's Technical support entry point from a phone that sends a tone.
async fn dial_with_tone(server: &TestServer, from: &str, hz: f64) -> Phone {
    let (mut phone, offer) = Phone::offering(b'C', Some(hz));
    let body = json!({"from": from, "to": "+420 800 100 102", "sdp": offer});
    let dialled = server.request("POST", "/api/phone/calls", None, Some(body)).await;
    assert_eq!(dialled.status, StatusCode::CREATED, "{}", dialled.json);
    phone.answered(dialled.json["sdp"].as_str().unwrap());
    phone
}

async fn join_with_tone(server: &TestServer, cookie: &str, id: i64, hz: f64) -> Phone {
    let (mut desk, offer) = Phone::offering(b'D', Some(hz));
    let path = format!("/api/conversations/{id}/call/audio");
    let joined = server.request("POST", &path, Some(cookie), Some(json!({"sdp": offer}))).await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.json);
    desk.answered(joined.json["sdp"].as_str().unwrap());
    desk
}

const CUSTOMER_HZ: f64 = 440.0;
const AGENT_HZ: f64 = 660.0;
const SUPERVISOR_HZ: f64 = 880.0;

/// Pumps the three until each has a second more of audio, then what each heard in it.
fn next_second(phones: &mut [&mut Phone; 3], tunes: &Tunes, what: &str) -> [Vec<i16>; 3] {
    let before: Vec<usize> = phones.iter().map(|p| p.received()).collect();
    until(&mut phones[..], tunes, what, |p| p.iter().zip(&before).all(|(p, b)| p.received() >= b + 75));
    [0, 1, 2].map(|i| heard_since(phones[i], before[i]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_hears_a_call_silently_coaches_its_agent_and_barges_in() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let mut customer = dial_with_tone(&server, "+420 777 000 333", CUSTOMER_HZ).await;
    let queue = server.queue_id(1).await;
    let agent = server.sign_in(&members(&server, queue, 1).await[0]).await;
    server.go_available(&agent).await;
    let id = *server.offered(&agent).await.first().expect("the call is offered");
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]), "{}", accepted.json);
    let mut desk = join_with_tone(&server, &agent, id, AGENT_HZ).await;

    // Listen: the supervisor's desk joins the call and hears both sides; neither hears the supervisor.
    let supervisor = server.sign_in("supervisor").await;
    let monitor = format!("/api/supervisor/conversations/{id}/monitor");
    let read = server.request("POST", &monitor, Some(&supervisor), Some(json!({"mode": "read"}))).await;
    assert_eq!(read.json["field"], "mode", "a call is heard, not read");
    let listen = server.request("POST", &monitor, Some(&supervisor), Some(json!({"mode": "listen"}))).await;
    assert_eq!(listen.status, StatusCode::NO_CONTENT, "{}", listen.json);
    let mut headset = join_with_tone(&server, &supervisor, id, SUPERVISOR_HZ).await;
    let mut phones = [&mut customer, &mut desk, &mut headset];
    until(&mut phones[..], &tunes, "all three connected", |p| p.iter().all(|p| p.connected));
    next_second(&mut phones, &tunes, "the listener's audio settles");
    let [c, a, s] = next_second(&mut phones, &tunes, "a second of listening");
    assert!(share(&s, CUSTOMER_HZ) > 0.1 && share(&s, AGENT_HZ) > 0.1, "the supervisor hears both sides");
    assert!(
        share(&c, SUPERVISOR_HZ) < 0.02,
        "the customer never hears a listener: {}",
        share(&c, SUPERVISOR_HZ)
    );
    assert!(share(&a, SUPERVISOR_HZ) < 0.02, "nor does the agent: {}", share(&a, SUPERVISOR_HZ));
    let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert!(view.json["call"]["legs"].as_array().unwrap().iter().any(|l| l["role"] == "listener"));

    // Coach: the agent hears the supervisor, the customer still does not.
    let coach = server.request("POST", &monitor, Some(&supervisor), Some(json!({"mode": "coach"}))).await;
    assert_eq!(coach.status, StatusCode::NO_CONTENT, "{}", coach.json);
    next_second(&mut phones, &tunes, "the coach's audio settles");
    let [c, a, _] = next_second(&mut phones, &tunes, "a second of coaching");
    assert!(share(&a, SUPERVISOR_HZ) > 0.1, "the agent hears the coach: {}", share(&a, SUPERVISOR_HZ));
    assert!(share(&a, CUSTOMER_HZ) > 0.1, "and the customer");
    assert!(
        share(&c, SUPERVISOR_HZ) < 0.02,
        "the customer never hears the coach: {}",
        share(&c, SUPERVISOR_HZ)
    );

    // Barge-in: a conference; the customer hears the supervisor too.
    let path = format!("/api/supervisor/conversations/{id}/barge-in");
    let barged = server.request("POST", &path, Some(&supervisor), None).await;
    assert_eq!(barged.status, StatusCode::NO_CONTENT, "{}", barged.json);
    next_second(&mut phones, &tunes, "the conference settles");
    let [c, _, _] = next_second(&mut phones, &tunes, "a second of conference");
    assert!(
        share(&c, SUPERVISOR_HZ) > 0.1,
        "the customer hears the supervisor: {}",
        share(&c, SUPERVISOR_HZ)
    );
    let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert_eq!(view.json["call"]["mode"], "conference", "{}", view.json);
    assert_eq!(actions(&server, id).await, ["monitor", "monitor", "barge_in"]);
}
