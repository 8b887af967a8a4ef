//! The Active Conversation's API: queue scoping, the panes' data, timeline paging and sending.

use crate::common;

use axum::http::StatusCode;
use common::TestServer;
use serde_json::{Value, json};

/// A conversation in none of the user's queues.
async fn foreign_conversation(server: &TestServer, user_id: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT id FROM conversations WHERE queue_id NOT IN (SELECT queue_id FROM queue_members WHERE user_id = $1)
         ORDER BY id LIMIT 1",
    )
    .bind(user_id)
    .fetch_one(&server.pool)
    .await
    .expect("a conversation outside the user's queues")
}

#[tokio::test]
async fn an_agent_sees_only_conversations_of_their_queues() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let foreign = foreign_conversation(&server, server.user_id("agent1").await).await;
    for suffix in ["", "/customer", "/cases", "/timeline", "/suggestions"] {
        let answer = server
            .request("GET", &format!("/api/conversations/{foreign}{suffix}"), Some(&cookie), None)
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{suffix}");
        assert_eq!(answer.json["code"], "not_found");
        let fields: Vec<_> = answer.json.as_object().unwrap().keys().cloned().collect();
        assert_eq!(fields, vec!["code", "message"], "a 404 carries no data");
    }
    let send = server
        .request(
            "POST",
            &format!("/api/conversations/{foreign}/messages"),
            Some(&cookie),
            Some(json!({"body": "hi"})),
        )
        .await;
    assert_eq!(send.status, StatusCode::NOT_FOUND);

    // The same conversation is visible to the supervisor, who belongs to every queue.
    let supervisor = server.sign_in("supervisor").await;
    let answer =
        server.request("GET", &format!("/api/conversations/{foreign}"), Some(&supervisor), None).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn the_task_list_holds_the_agents_active_conversations_with_every_pane_filled() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let tasks = server.request("GET", "/api/tasks", Some(&cookie), None).await;
    let tasks = tasks.json.as_array().expect("tasks").clone();
    assert_eq!(tasks.len(), 2, "Scale::small gives each agent two active conversations");
    let heavy = tasks.iter().find(|t| t["customer_name"].as_str().unwrap().contains("Heavy")).expect("heavy");
    let id = heavy["id"].as_i64().unwrap();
    assert!(heavy["last_message"].is_string());

    let summary = server.request("GET", &format!("/api/conversations/{id}"), Some(&cookie), None).await.json;
    assert_eq!(summary["channel"], "chat");
    assert!(!summary["skills"].as_array().unwrap().is_empty());
    assert!(!summary["pre_chat_survey"].as_array().unwrap().is_empty());
    let actions = summary["self_service"].as_array().unwrap();
    assert!(actions.len() >= 3);
    let times: Vec<i64> = actions.iter().map(|a| a["at"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "self-service actions newest first");
    assert!(summary["visitor"]["browser"].is_string());
    assert!(summary["wait_seconds"].as_i64().unwrap() > 0);

    let card =
        server.request("GET", &format!("/api/conversations/{id}/customer"), Some(&cookie), None).await.json;
    let contact = &card["contact"];
    assert_eq!(contact["last_name"], "Bondarenko-Heavy");
    for kind in ["phones", "emails"] {
        let defaults = contact[kind].as_array().unwrap().iter().filter(|p| p["is_default"] == true).count();
        assert_eq!(defaults, 1, "exactly one default among {kind}");
    }
    assert!(!contact["addresses"].as_array().unwrap().is_empty());

    let cases =
        server.request("GET", &format!("/api/conversations/{id}/cases"), Some(&cookie), None).await.json;
    assert!(cases["linked"]["number"].as_str().unwrap().starts_with("CAS-"));
    assert!(!cases["recent"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_timeline_pages_through_the_whole_customer_history_without_gaps() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let tasks = server.request("GET", "/api/tasks", Some(&cookie), None).await.json;
    let heavy = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["customer_name"].as_str().unwrap().contains("Heavy"))
        .unwrap();
    let id = heavy["id"].as_i64().unwrap();

    let mut seen: Vec<(i64, String, i64)> = Vec::new();
    let mut path = format!("/api/conversations/{id}/timeline");
    let mut pages = 0;
    loop {
        let page = server.request("GET", &path, Some(&cookie), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.json["record"], "contact", "a linked contact's timeline by default");
        let entries = page.json["entries"].as_array().unwrap();
        let mut rows: Vec<(i64, String, i64)> = entries
            .iter()
            .map(|e| {
                (
                    e["key"].as_i64().unwrap(),
                    e["kind"].as_str().unwrap().to_owned(),
                    e["at"].as_i64().unwrap(),
                )
            })
            .collect();
        let order: Vec<(i64, i64)> = rows.iter().map(|(key, _, at)| (*at, *key)).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "oldest first within a page, by (at, key)");
        if pages == 0 {
            assert_eq!(entries.len(), 50);
            assert_eq!(
                entries.last().unwrap()["conversation_id"].as_i64().unwrap(),
                id,
                "newest is this conversation"
            );
        }
        rows.append(&mut seen);
        seen = rows;
        pages += 1;
        match page.json["older"].as_object() {
            Some(c) => {
                path = format!(
                    "/api/conversations/{id}/timeline?before_at={}&before_key={}",
                    c["before_at"], c["before_key"]
                )
            }
            None => break,
        }
    }
    let messages = seen.iter().filter(|(_, kind, _)| kind == "message").count();
    assert_eq!(messages, 300, "Scale::small gives the heavy customer 300 messages");
    let conversations: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversations WHERE contact_id = (SELECT contact_id FROM conversations WHERE id = $1)",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let interactions = seen.iter().filter(|(_, kind, _)| kind == "interaction").count();
    assert_eq!(interactions as i64, conversations, "one interaction entry per conversation");
    let mut unique: Vec<i64> = seen.iter().map(|(key, _, _)| *key).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no entry twice");
    let order: Vec<(i64, i64)> = seen.iter().map(|(key, _, at)| (*at, *key)).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "pages join without overlap");
    assert_eq!(pages, seen.len().div_ceil(50));

    let bad = server
        .request("GET", &format!("/api/conversations/{id}/timeline?before_at=5"), Some(&cookie), None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let too_many = server
        .request("GET", &format!("/api/conversations/{id}/timeline?limit=5000"), Some(&cookie), None)
        .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_sent_message_is_persisted_once_per_idempotency_key_and_validated() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent2").await;
    let tasks = server.request("GET", "/api/tasks", Some(&cookie), None).await.json;
    let id = tasks[0]["id"].as_i64().unwrap();
    let path = format!("/api/conversations/{id}/messages");
    let key = [("Idempotency-Key", "7b4f7c1e-retry")];

    let first = server
        .request_with(
            "POST",
            &path,
            Some(&cookie),
            Some(json!({"body": "  Dobrý den, hned to ověřím.  "})),
            &key,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.json["body"], "Dobrý den, hned to ověřím.");
    assert_eq!(first.json["direction"], "outbound");
    assert_eq!(first.json["author"], "Petr Svoboda");
    for _ in 0..4 {
        let retry = server
            .request_with(
                "POST",
                &path,
                Some(&cookie),
                Some(json!({"body": "Dobrý den, hned to ověřím."})),
                &key,
            )
            .await;
        assert_eq!(retry.status, StatusCode::CREATED);
        assert_eq!(retry.json["id"], first.json["id"]);
    }
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND body LIKE 'Dobrý den, hned%'",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert_eq!(stored, 1);

    let timeline =
        server.request("GET", &format!("/api/conversations/{id}/timeline"), Some(&cookie), None).await.json;
    let last = timeline["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["id"], first.json["id"]);

    let blank = server.request("POST", &path, Some(&cookie), Some(json!({"body": "   "}))).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(blank.json["code"], "validation");
    assert_eq!(blank.json["field"], "body");
    let long = server.request("POST", &path, Some(&cookie), Some(json!({"body": "a".repeat(4001)}))).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);

    sqlx::query("UPDATE conversations SET status = 'ended' WHERE id = $1")
        .bind(id)
        .execute(&server.pool)
        .await
        .unwrap();
    let ended = server.request("POST", &path, Some(&cookie), Some(json!({"body": "late"}))).await;
    assert_eq!(ended.status, StatusCode::CONFLICT);
    assert_eq!(ended.json["code"], "conflict");
}

/// The task row of `id` in the agent's list.
async fn task_row(server: &TestServer, cookie: &str, id: i64) -> Value {
    let tasks = server.request("GET", "/api/tasks", Some(cookie), None).await.json;
    tasks.as_array().expect("tasks").iter().find(|t| t["id"] == id).expect("in the task list").clone()
}

#[tokio::test]
async fn the_task_list_counts_unread_customer_messages_and_how_long_the_customer_waits_for_a_reply() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    server.set_chat_capacity("agent1", 4).await;
    let cookie = server.sign_in("agent1").await;
    let customer = server.start_chat(queue, "Waiting Customer").await;
    let id = customer.conversation_id;
    let say = |body: &'static str| {
        let (server, cookie) = (&server, customer.cookie.clone());
        async move {
            let sent = server
                .request("POST", "/api/chat/messages", Some(&cookie), Some(json!({"body": body})))
                .await;
            assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);
            (sent.json["id"].as_i64().expect("id"), sent.json["at"].as_i64().expect("at"))
        }
    };
    let (first, _) = say("Hello, my parcel has not arrived.").await;
    let (_, _) = say("It was due on Monday.").await;
    // Whatever the start of the chat wrote counts as the customer's too.
    let (inbound, first_at): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM messages WHERE conversation_id = $1 AND direction = 'inbound'",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert!(inbound >= 2);
    server.go_available(&cookie).await;
    assert_eq!(server.offered(&cookie).await, vec![id]);
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&cookie), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);

    let row = task_row(&server, &cookie, id).await;
    assert_eq!(row["unread"], inbound, "{row}");
    assert_eq!(row["waiting_since"], first_at, "the oldest message without a reply");

    // Read, not answered: nothing unread, the customer still waits.
    let read_path = format!("/api/conversations/{id}/read");
    let read = |body: Value| server.request("PUT", &read_path, Some(&cookie), Some(body));
    assert_eq!(read(json!({})).await.status, StatusCode::NO_CONTENT);
    let row = task_row(&server, &cookie, id).await;
    assert_eq!(row["unread"], 0);
    assert_eq!(row["waiting_since"], first_at);

    // Answered: nobody waits. A later message waits from its own time and is unread.
    let reply = json!({"body": "Let me check that for you."});
    let sent = server
        .request_with(
            "POST",
            &format!("/api/conversations/{id}/messages"),
            Some(&cookie),
            Some(reply),
            &[("idempotency-key", "reads-1")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);
    assert_eq!(task_row(&server, &cookie, id).await["waiting_since"], Value::Null);
    let (third, third_at) = say("Thank you, I am here.").await;
    let row = task_row(&server, &cookie, id).await;
    assert_eq!((row["unread"].clone(), row["waiting_since"].clone()), (json!(1), json!(third_at)));
    // The figures are counted to the newest message: a client adds only what its events bring later.
    assert_eq!(row["newest_message_id"], third);

    // A read never moves back, and only a message of this conversation can be named.
    assert_eq!(read(json!({"message_id": third})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(read(json!({"message_id": first})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(task_row(&server, &cookie, id).await["unread"], 0);
    let other = server.start_chat(queue, "Someone Else").await;
    let body = json!({"body": "A question of my own."});
    let theirs = server.request("POST", "/api/chat/messages", Some(&other.cookie), Some(body)).await;
    let foreign = theirs.json["id"].as_i64().expect("their message");
    let refused = read(json!({"message_id": foreign})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json["field"], "message_id", "{}", refused.json);

    // Each agent has their own mark: a supervisor reading changes nothing for the agent.
    let (_, _) = say("Still there?").await;
    let supervisor = server.sign_in("supervisor").await;
    let as_supervisor = server.request("PUT", &read_path, Some(&supervisor), Some(json!({}))).await;
    assert_eq!(as_supervisor.status, StatusCode::NO_CONTENT, "{}", as_supervisor.json);
    assert_eq!(task_row(&server, &cookie, id).await["unread"], 1);
}
