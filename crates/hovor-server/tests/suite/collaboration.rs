//! Working together: invitations on an email (send, accept, propose, decline, delete, who may do what)
//! and collaborators in a chat (both write, the customer sees both names, the collaborator's task list).

use crate::common;

use axum::http::StatusCode;
use common::TestServer;
use serde_json::{Value, json};

async fn email_of_agent1(server: &TestServer, agent1: &str) -> i64 {
    server.go_available(agent1).await;
    let queue = server.queue_id(0).await;
    // An email conversation in agent1's first queue, accepted by agent1.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, status, subject, language, queued_at, started_at, customer_name)
         VALUES ($1, 'email', 'active', 'Invoice', 'en', 0, 0, 'Jana') RETURNING id",
    )
    .bind(queue)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let agent = server.user_id("agent1").await;
    sqlx::query("UPDATE conversations SET agent_id = $1 WHERE id = $2")
        .bind(agent)
        .bind(id)
        .execute(&server.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO activities (conversation_id, agent_id, queue_id, accepted_at) VALUES ($1, $2, $3, 0)",
    )
    .bind(id)
    .bind(agent)
    .bind(queue)
    .execute(&server.pool)
    .await
    .unwrap();
    id
}

/// A colleague of agent1 in the first queue.
async fn colleague(server: &TestServer, agent1: &str, id: i64) -> (i64, String) {
    let view =
        server.request("GET", &format!("/api/conversations/{id}/collaboration"), Some(agent1), None).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.json);
    assert_eq!(view.json["owner"], true);
    let first = &view.json["colleagues"][0];
    let username: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
        .bind(first["id"].as_i64().unwrap())
        .fetch_one(&server.pool)
        .await
        .unwrap();
    (first["id"].as_i64().unwrap(), username)
}

#[tokio::test]
async fn an_invitee_accepts_and_proposes_a_draft_the_owner_sees() {
    let server = TestServer::new().await;
    let agent1 = server.sign_in("agent1").await;
    let id = email_of_agent1(&server, &agent1).await;
    let (invitee_id, invitee_name) = colleague(&server, &agent1, id).await;
    let invitee = server.sign_in(&invitee_name).await;

    let path = format!("/api/conversations/{id}/invitations");
    let missing = server
        .request("POST", &path, Some(&agent1), Some(json!({"invitee_id": null, "message": "Help?"})))
        .await;
    assert_eq!(
        (missing.status, missing.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invitee_id"))
    );
    let not_by_invitee = server
        .request("POST", &path, Some(&invitee), Some(json!({"invitee_id": invitee_id, "message": "x"})))
        .await;
    assert_eq!(not_by_invitee.status, StatusCode::CONFLICT, "only the owner invites");
    let sent = server
        .request(
            "POST",
            &path,
            Some(&agent1),
            Some(json!({"invitee_id": invitee_id, "message": "Can you check the VAT?"})),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);
    assert_eq!(sent.json["status"], "pending");
    let again = server
        .request("POST", &path, Some(&agent1), Some(json!({"invitee_id": invitee_id, "message": "Again"})))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "one open invitation per colleague");
    let invitation = sent.json["id"].as_i64().unwrap();

    let inbox = server.request("GET", "/api/invitations", Some(&invitee), None).await;
    assert_eq!(inbox.json[0]["id"], invitation);
    assert_eq!(inbox.json[0]["subject"], "Invoice");
    let stranger =
        server.request("POST", &format!("/api/invitations/{invitation}/accept"), Some(&agent1), None).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND, "only the invitee answers");
    let accepted =
        server.request("POST", &format!("/api/invitations/{invitation}/accept"), Some(&invitee), None).await;
    assert_eq!(accepted.json["status"], "accepted");
    let blank = server
        .request(
            "PUT",
            &format!("/api/invitations/{invitation}/proposal"),
            Some(&invitee),
            Some(json!({"body": " "})),
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let proposed = server
        .request(
            "PUT",
            &format!("/api/invitations/{invitation}/proposal"),
            Some(&invitee),
            Some(json!({"body": "The VAT is 21 %."})),
        )
        .await;
    assert_eq!(proposed.json["status"], "answered");

    let view =
        server.request("GET", &format!("/api/conversations/{id}/collaboration"), Some(&agent1), None).await;
    let seen: &Value = &view.json["invitations"][0];
    assert_eq!(
        (seen["status"].as_str(), seen["proposal"].as_str()),
        (Some("answered"), Some("The VAT is 21 %."))
    );
    let theirs =
        server.request("GET", &format!("/api/conversations/{id}/collaboration"), Some(&invitee), None).await;
    assert_eq!(theirs.json["owner"], false);
    assert_eq!(theirs.json["invitations"].as_array().unwrap().len(), 1);

    let deleted = server.request("DELETE", &format!("{path}/{invitation}"), Some(&agent1), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let inbox = server.request("GET", "/api/invitations", Some(&invitee), None).await;
    assert_eq!(inbox.json, json!([]));
}

#[tokio::test]
async fn a_declined_invitation_is_closed_and_an_outsider_cannot_be_invited() {
    let server = TestServer::new().await;
    let agent1 = server.sign_in("agent1").await;
    let id = email_of_agent1(&server, &agent1).await;
    let (invitee_id, invitee_name) = colleague(&server, &agent1, id).await;
    let invitee = server.sign_in(&invitee_name).await;
    let path = format!("/api/conversations/{id}/invitations");
    let sent = server
        .request("POST", &path, Some(&agent1), Some(json!({"invitee_id": invitee_id, "message": "Help?"})))
        .await;
    let invitation = sent.json["id"].as_i64().unwrap();
    let declined =
        server.request("POST", &format!("/api/invitations/{invitation}/decline"), Some(&invitee), None).await;
    assert_eq!(declined.json["status"], "declined");
    let late = server
        .request(
            "PUT",
            &format!("/api/invitations/{invitation}/proposal"),
            Some(&invitee),
            Some(json!({"body": "x"})),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    // Declined, the colleague can be asked again.
    let again = server
        .request("POST", &path, Some(&agent1), Some(json!({"invitee_id": invitee_id, "message": "Please?"})))
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    // Someone outside the queue cannot be invited.
    let outsider: i64 = sqlx::query_scalar(
        "SELECT u.id FROM users u WHERE u.role = 'agent' AND NOT EXISTS (SELECT 1 FROM queue_members m JOIN conversations c ON c.queue_id = m.queue_id WHERE c.id = $1 AND m.user_id = u.id) LIMIT 1",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let refused = server
        .request("POST", &path, Some(&agent1), Some(json!({"invitee_id": outsider, "message": "x"})))
        .await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invitee_id"))
    );
}

#[tokio::test]
async fn a_collaborator_writes_in_the_chat_and_the_customer_sees_both_names() {
    let server = TestServer::new().await;
    let agent1 = server.sign_in("agent1").await;
    server.go_available(&agent1).await;
    let customer = server.start_chat(server.queue_id(0).await, "Jana").await;
    let id = customer.conversation_id;
    let accept = server
        .request("POST", "/api/offers/accept", Some(&agent1), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accept.json["accepted"], json!([id]));
    let (colleague_id, colleague_name) = colleague(&server, &agent1, id).await;
    let colleague = server.sign_in(&colleague_name).await;

    let before = server
        .request(
            "POST",
            &format!("/api/conversations/{id}/messages"),
            Some(&colleague),
            Some(json!({"body": "Hi"})),
        )
        .await;
    assert_eq!(before.status, StatusCode::CONFLICT, "not yet a collaborator");
    let added = server
        .request(
            "POST",
            &format!("/api/conversations/{id}/collaborators"),
            Some(&agent1),
            Some(json!({"user_id": colleague_id})),
        )
        .await;
    assert_eq!(added.status, StatusCode::NO_CONTENT, "{}", added.json);
    let tasks = server.request("GET", "/api/tasks", Some(&colleague), None).await;
    let task = tasks
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .expect("the chat in the collaborator's task list")
        .clone();
    assert_eq!(task["collaborating"], true);

    for (cookie, body) in [(&agent1, "Hello, I am Tereza."), (&colleague, "And I handle refunds.")] {
        let sent = server
            .request(
                "POST",
                &format!("/api/conversations/{id}/messages"),
                Some(cookie),
                Some(json!({"body": body})),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);
    }
    let view = server.request("GET", "/api/chat/conversation", Some(&customer.cookie), None).await;
    let authors: Vec<&str> = view.json["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "outbound")
        .map(|m| m["author"].as_str().unwrap())
        .collect();
    let colleague_display: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(colleague_id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(authors, ["Tereza Malá", colleague_display.as_str()]);

    let removed = server
        .request(
            "DELETE",
            &format!("/api/conversations/{id}/collaborators/{colleague_id}"),
            Some(&agent1),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let after = server
        .request(
            "POST",
            &format!("/api/conversations/{id}/messages"),
            Some(&colleague),
            Some(json!({"body": "Bye"})),
        )
        .await;
    assert_eq!(after.status, StatusCode::CONFLICT);
}
