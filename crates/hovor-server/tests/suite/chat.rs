//! The customer's side of web chat: the pre-chat survey, a chat from start to the agent and back,
//! idempotent sends, signed identities and the chat cookie as the only key to a conversation.

use crate::common;

use std::time::Duration;

use axum::http::StatusCode;
use common::{Customer, TestServer, envelopes};
use hmac::{Hmac, Mac};
use hovor_types::chat::ConversationStatus;
use hovor_types::event::ServerEvent;
use hovor_types::message::Direction;
use serde_json::{Value, json};
use sha2::Sha256;

const QUIET: Duration = Duration::from_millis(400);
const SECRET: &str = "host-site-shared-secret";

async fn conversations(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM conversations").fetch_one(&server.pool).await.unwrap()
}

async fn customer_send(server: &TestServer, customer: &Customer, body: &str) -> Value {
    let answer = server
        .request("POST", "/api/chat/messages", Some(&customer.cookie), Some(json!({"body": body})))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    answer.json
}

async fn agent_send(server: &TestServer, cookie: &str, conversation: i64, body: &str) {
    let path = format!("/api/conversations/{conversation}/messages");
    let answer = server.request("POST", &path, Some(cookie), Some(json!({"body": body}))).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
}

/// `(direction, author, body)` of every message_created among the events.
fn messages(events: &[common::Sse]) -> Vec<(Direction, String, String)> {
    envelopes(events)
        .into_iter()
        .filter_map(|e| match e.event {
            ServerEvent::MessageCreated { message } => {
                Some((message.direction, message.author, message.body))
            }
            _ => None,
        })
        .collect()
}

fn signed(secret: &str, id: &str, name: &str, email: &str) -> Value {
    let issued_at = hovor_server::db::now_ms();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{id}|{name}|{email}|{issued_at}").as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    json!({"id": id, "name": name, "email": email, "issued_at": issued_at, "signature": signature})
}

#[tokio::test]
async fn a_missing_required_answer_or_a_bad_email_is_refused_and_nothing_is_stored() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let ids = server.survey_ids(queue).await;
    let before = conversations(&server).await;

    let missing = json!({"name": "Jana", "answers": [{"question_id": ids[2], "answer": "English"}]});
    let answer = server.start_chat_with(queue, missing).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.json["code"], "validation");
    assert_eq!(answer.json["field"], format!("answers.{}", ids[0]));
    assert_eq!(answer.set_cookie, None);

    let bad_email = json!({
        "name": "Jana",
        "email": "jana.example.cz",
        "answers": [
            {"question_id": ids[0], "answer": "Invoice"},
            {"question_id": ids[2], "answer": "English"},
        ],
    });
    let answer = server.start_chat_with(queue, bad_email).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.json["field"], "email");
    assert_eq!(answer.set_cookie, None);
    assert_eq!(conversations(&server).await, before);
}

#[tokio::test]
async fn a_chat_reaches_the_agent_with_everything_the_page_sent_and_both_sides_see_each_other() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let ids = server.survey_ids(queue).await;
    let t = hovor_server::db::now_ms();
    let start = json!({
        "name": "Jana Nováková",
        "email": "jana.novakova@example.cz",
        "answers": [
            {"question_id": ids[0], "answer": "Double charge on my invoice"},
            {"question_id": ids[1], "answer": "OBJ-2024-118"},
            {"question_id": ids[2], "answer": "Čeština"},
        ],
        "visitor": {
            "browser": "Firefox 144", "os": "Linux", "location": "Brno, Czechia", "language": "cs-CZ",
        },
        "self_service": [
            {"kind": "page_visited", "detail": "/tarify", "at": t - 180_000},
            {"kind": "search_phrase", "detail": "vrácení peněz", "at": t - 60_000},
            {"kind": "article_viewed", "detail": "How refunds work", "at": t - 120_000},
        ],
        "context": [{"key": "Plan", "value": "Fiber 1000"}, {"key": "Customer since", "value": "2019"}],
    });
    let answer = server.start_chat_with(queue, start).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    let customer = Customer::from_start(answer);
    let id = customer.conversation_id;
    assert_eq!(customer.view["status"], "queued");
    assert_eq!(customer.view["customer_name"], "Jana Nováková");
    let after = customer.view["last_event_id"].as_i64();
    let mut customer_stream = server.stream("/api/chat/events", &customer.cookie, after).await;

    let agent1 = server.sign_in("agent1").await;
    let mut agent_stream = server.events(&agent1, None).await;
    server.go_available(&agent1).await;
    assert_eq!(server.offered(&agent1).await, vec![id]);
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent1), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]));

    let summary = server.request("GET", &format!("/api/conversations/{id}"), Some(&agent1), None).await.json;
    assert_eq!(
        summary["pre_chat_survey"],
        json!([
            {"question": "What can we help you with?", "answer": "Double charge on my invoice"},
            {"question": "Customer or order number", "answer": "OBJ-2024-118"},
            {"question": "Preferred language", "answer": "Čeština"},
            {"question": "Email", "answer": "jana.novakova@example.cz"},
        ]),
        "the queue's questions in order, the email the customer gave after them"
    );
    let details: Vec<&str> =
        summary["self_service"].as_array().unwrap().iter().map(|a| a["detail"].as_str().unwrap()).collect();
    assert_eq!(details, vec!["vrácení peněz", "How refunds work", "/tarify"], "newest first");
    assert_eq!(
        summary["visitor"],
        json!({"authenticated": false, "browser": "Firefox 144", "os": "Linux", "location": "Brno, Czechia",
               "language": "cs-CZ"})
    );
    assert_eq!(
        summary["additional_details"],
        json!([{"key": "Plan", "value": "Fiber 1000"}, {"key": "Customer since", "value": "2019"}])
    );

    customer_send(&server, &customer, "Dobrý den, platila jsem dvakrát.").await;
    agent_send(&server, &agent1, id, "Dobrý den, hned to prověřím.").await;

    let seen = customer_stream.drain(QUIET).await;
    let changes: Vec<ServerEvent> = envelopes(&seen)
        .into_iter()
        .map(|e| e.event)
        .filter(|e| matches!(e, ServerEvent::ConversationChanged { .. }))
        .collect();
    assert_eq!(
        changes,
        vec![
            ServerEvent::ConversationChanged {
                conversation_id: id,
                status: ConversationStatus::Offered,
                agent_name: None
            },
            ServerEvent::ConversationChanged {
                conversation_id: id,
                status: ConversationStatus::Active,
                agent_name: Some("Tereza Malá".into())
            },
        ]
    );
    assert_eq!(
        messages(&seen),
        vec![
            (Direction::Inbound, "Jana Nováková".into(), "Dobrý den, platila jsem dvakrát.".into()),
            (Direction::Outbound, "Tereza Malá".into(), "Dobrý den, hned to prověřím.".into()),
        ]
    );
    let inbound: Vec<_> = messages(&agent_stream.drain(QUIET).await)
        .into_iter()
        .filter(|m| m.0 == Direction::Inbound)
        .collect();
    assert_eq!(
        inbound,
        vec![(Direction::Inbound, "Jana Nováková".into(), "Dobrý den, platila jsem dvakrát.".into())]
    );

    // The customer's connection drops; they resume after the last event they saw.
    drop(customer_stream);
    for body in ["one", "two", "three"] {
        agent_send(&server, &agent1, id, body).await;
    }
    let mut resumed = server.stream("/api/chat/events", &customer.cookie, seen.last().unwrap().id).await;
    let missed = resumed.drain(QUIET).await;
    assert_eq!(missed.len(), 3, "0 missing, 0 duplicated");
    let bodies: Vec<String> = messages(&missed).into_iter().map(|m| m.2).collect();
    assert_eq!(bodies, vec!["one", "two", "three"]);

    let view = server.request("GET", "/api/chat/conversation", Some(&customer.cookie), None).await.json;
    assert_eq!(view["status"], "active");
    assert_eq!(view["agent_name"], "Tereza Malá");
    assert_eq!(view["messages"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn one_idempotency_key_sent_five_times_at_once_stores_one_customer_message() {
    let server = TestServer::new().await;
    let customer = server.start_chat(server.queue_id(0).await, "Jana Nováková").await;
    let sends = (0..5).map(|_| {
        server.request_with(
            "POST",
            "/api/chat/messages",
            Some(&customer.cookie),
            Some(json!({"body": "Are you there?"})),
            &[("Idempotency-Key", "customer-retry-1")],
        )
    });
    let answers = futures_util::future::join_all(sends).await;
    assert!(answers.iter().all(|a| a.status == StatusCode::CREATED));
    let ids: Vec<&Value> = answers.iter().map(|a| &a.json["id"]).collect();
    assert!(ids[0].is_i64() && ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let view = server.request("GET", "/api/chat/conversation", Some(&customer.cookie), None).await.json;
    let stored = view["messages"].as_array().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(&stored[0]["id"], ids[0]);
}

#[tokio::test]
async fn a_validly_signed_identity_authenticates_the_visitor_and_links_the_contact_and_a_forged_one_does_not()
{
    let server = TestServer::with_chat_identity_secret(SECRET).await;
    let queue = server.queue_id(0).await;
    let ids = server.survey_ids(queue).await;
    let (contact, email): (i64, String) = sqlx::query_as(
        "SELECT MIN(contact_id), MIN(value) FROM contact_points WHERE kind = 'email' AND contact_id IS NOT NULL
         GROUP BY lower(value) HAVING COUNT(*) = 1 ORDER BY MIN(contact_id) LIMIT 1",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let supervisor = server.sign_in("supervisor").await;
    let start = |identity: Value| {
        json!({
            "name": "Typed Name",
            "answers": [
                {"question_id": ids[0], "answer": "Invoice"},
                {"question_id": ids[2], "answer": "English"},
            ],
            "identity": identity,
        })
    };

    let answer = server.start_chat_with(queue, start(signed(SECRET, "c-77", "Signed Name", &email))).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    let genuine = Customer::from_start(answer);
    assert_eq!(genuine.view["customer_name"], "Signed Name");
    let path = format!("/api/conversations/{}", genuine.conversation_id);
    let summary = server.request("GET", &path, Some(&supervisor), None).await.json;
    assert_eq!(summary["visitor"]["authenticated"], true);
    let card = server.request("GET", &format!("{path}/customer"), Some(&supervisor), None).await.json;
    assert_eq!(card["contact"]["id"], contact);

    let forged = signed("another-secret", "c-77", "Signed Name", &email);
    let answer = server.start_chat_with(queue, start(forged)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    let forged = Customer::from_start(answer);
    assert_eq!(forged.view["customer_name"], "Typed Name");
    let path = format!("/api/conversations/{}", forged.conversation_id);
    let summary = server.request("GET", &path, Some(&supervisor), None).await.json;
    assert_eq!(summary["visitor"]["authenticated"], false);
    let card = server.request("GET", &format!("{path}/customer"), Some(&supervisor), None).await.json;
    assert_eq!(card["contact"], Value::Null);
}

#[tokio::test]
async fn only_the_chat_cookie_opens_a_conversation_and_only_its_own() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    for (method, path) in
        [("GET", "/api/chat/conversation"), ("GET", "/api/chat/events"), ("POST", "/api/chat/end")]
    {
        let answer = server.request(method, path, None, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let unknown = server.request("GET", "/api/chat/conversation", Some("hovor_chat=not-a-token"), None).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);

    let anna = server.start_chat(queue, "Anna").await;
    let boris = server.start_chat(queue, "Boris").await;
    let mut boris_stream =
        server.stream("/api/chat/events", &boris.cookie, boris.view["last_event_id"].as_i64()).await;
    customer_send(&server, &anna, "Anna's private question").await;

    let seen_by_anna = server.request("GET", "/api/chat/conversation", Some(&anna.cookie), None).await.json;
    assert_eq!(seen_by_anna["conversation_id"], anna.conversation_id);
    assert_eq!(seen_by_anna["customer_name"], "Anna");
    assert_eq!(seen_by_anna["messages"].as_array().unwrap().len(), 1);
    let seen_by_boris = server.request("GET", "/api/chat/conversation", Some(&boris.cookie), None).await.json;
    assert_eq!(seen_by_boris["conversation_id"], boris.conversation_id);
    assert_eq!(seen_by_boris["customer_name"], "Boris");
    assert_eq!(seen_by_boris["messages"], json!([]));
    assert!(boris_stream.drain(QUIET).await.is_empty(), "Anna's message never reaches Boris's stream");
}
