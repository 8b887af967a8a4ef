//! Call-associated data (WBX CAD variables): values per queue variable, secure ones masked and their
//! reveals audited, the first save on a version wins, the rules of `hovor-types` on the server, and
//! only for those who may see the conversation.

use crate::common::TestServer;

use axum::http::StatusCode;
use serde_json::{Value, json};

/// A conversation in the first queue, and the username of an agent of that queue.
async fn conversation(server: &TestServer) -> (i64, i64, String) {
    let queue = server.queue_id(0).await;
    let member = server.agent_in(queue).await;
    let customer = server.start_chat(queue, "Karel Novák").await;
    (queue, customer.conversation_id, member)
}

fn named<'a>(values: &'a Value, name: &str) -> &'a Value {
    values.as_array().unwrap().iter().find(|v| v["variable"]["name"] == name).unwrap()
}

#[tokio::test]
async fn values_are_saved_first_come_first_served_and_secure_ones_stay_masked_until_revealed() {
    let server = TestServer::new().await;
    let (_, id, member) = conversation(&server).await;
    let agent = server.sign_in(&member).await;
    let supervisor = server.sign_in("supervisor").await;
    let path = format!("/api/conversations/{id}/call-data");

    // The queue's variables in order, nothing saved yet.
    let values = server.request("GET", &path, Some(&agent), None).await;
    assert_eq!(values.status, StatusCode::OK);
    let names: Vec<_> =
        values.json.as_array().unwrap().iter().map(|v| v["variable"]["name"].clone()).collect();
    assert_eq!(names, ["case_number", "call_back_at", "card_last_digits"]);
    assert_eq!(named(&values.json, "case_number")["version"], 0);

    // The first save on version 0 wins; a second one on version 0 is told, and reads the value again.
    let case = format!("{path}/case_number");
    let first =
        server.request("PUT", &case, Some(&agent), Some(json!({"value": " CAS-1 ", "version": 0}))).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!((first.json["value"].as_str(), first.json["version"].as_i64()), (Some("CAS-1"), Some(1)));
    let late =
        server.request("PUT", &case, Some(&supervisor), Some(json!({"value": "CAS-2", "version": 0}))).await;
    assert_eq!((late.status, late.json["reason"].as_str()), (StatusCode::CONFLICT, Some("saved_first")));
    let now = server.request("GET", &path, Some(&supervisor), None).await;
    let case_now = named(&now.json, "case_number");
    assert_eq!((case_now["value"].as_str(), case_now["version"].as_i64()), (Some("CAS-1"), Some(1)));
    let again =
        server.request("PUT", &case, Some(&supervisor), Some(json!({"value": "CAS-2", "version": 1}))).await;
    assert_eq!((again.status, again.json["version"].as_i64()), (StatusCode::OK, Some(2)));

    // The rules of hovor-types, beside the field.
    for (name, value, rule) in
        [("case_number", "x".repeat(257), "too_long"), ("call_back_at", "tomorrow".into(), "malformed")]
    {
        let refused = server
            .request(
                "PUT",
                &format!("{path}/{name}"),
                Some(&agent),
                Some(json!({"value": value, "version": 0})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert_eq!(
            (refused.json["field"].as_str(), refused.json["rule"]["kind"].as_str()),
            (Some("value"), Some(rule)),
            "{}",
            refused.json
        );
    }
    let at = server
        .request(
            "PUT",
            &format!("{path}/call_back_at"),
            Some(&agent),
            Some(json!({"value": "2026-12-05T14:30:00+01:00", "version": 0})),
        )
        .await;
    assert_eq!(at.status, StatusCode::OK, "{}", at.json);

    // A secure value: masked for everyone, also for its author, until revealed; the reveal is audited,
    // the value itself never reaches the audit trail.
    let card = format!("{path}/card_last_digits");
    let saved =
        server.request("PUT", &card, Some(&agent), Some(json!({"value": "4242", "version": 0}))).await;
    assert_eq!(saved.json["value"], "********");
    let listed = server.request("GET", &path, Some(&supervisor), None).await;
    assert_eq!(named(&listed.json, "card_last_digits")["value"], "********");
    let revealed = server.request("POST", &format!("{card}/reveal"), Some(&supervisor), None).await;
    assert_eq!((revealed.status, revealed.json["value"].as_str()), (StatusCode::OK, Some("4242")));
    let audit: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT field, old_value, new_value FROM audit_log WHERE record = 'conversation' AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&server.pool)
    .await
    .unwrap();
    assert!(audit.iter().any(|(f, _, _)| f == "call_data.card_last_digits.revealed"), "{audit:?}");
    assert!(audit.iter().any(|(f, _, new)| f == "call_data.case_number" && new.as_deref() == Some("CAS-2")));
    assert!(
        !audit
            .iter()
            .any(|(_, old, new)| [old, new].iter().any(|v| v.as_deref().is_some_and(|v| v.contains("4242"))))
    );
}

#[tokio::test]
async fn only_what_the_queue_allows_is_edited_and_only_by_who_may_see_the_conversation() {
    let server = TestServer::new().await;
    let (queue, id, member) = conversation(&server).await;
    let agent = server.sign_in(&member).await;
    let admin = server.sign_in("admin").await;
    let variables = format!("/api/admin/queues/{queue}/call-variables");

    // The administrator makes the case number read-only and adds a variable.
    let set = json!({"variables": [
        {"name": "case_number", "label": "Case number", "order": 1, "kind": "text", "editable": false, "secure": false},
        {"name": "order_id", "label": "Order", "order": 2, "kind": "text", "editable": true, "secure": false},
    ]});
    let answer = server.request("PUT", &variables, Some(&admin), Some(set.clone())).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.json["variables"].as_array().unwrap().len(), 2);
    let refused = server
        .request(
            "PUT",
            &format!("/api/conversations/{id}/call-data/case_number"),
            Some(&agent),
            Some(json!({"value": "X", "version": 0})),
        )
        .await;
    assert_eq!(
        (refused.status, refused.json["reason"].as_str()),
        (StatusCode::CONFLICT, Some("not_editable"))
    );
    let gone = server
        .request(
            "PUT",
            &format!("/api/conversations/{id}/call-data/card_last_digits"),
            Some(&agent),
            Some(json!({"value": "1", "version": 0})),
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "a variable the queue no longer has");

    // The variables' own rules, and administrators only.
    let bad = json!({"variables": [{"name": "Order ID", "label": "Order", "order": 1, "kind": "text", "editable": true, "secure": false}]});
    let answer = server.request("PUT", &variables, Some(&admin), Some(bad)).await;
    assert_eq!(
        (answer.status, answer.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("variables[0].name"))
    );
    assert_eq!(
        server.request("PUT", &variables, Some(&agent), Some(set)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server.request("GET", "/api/admin/queues/999999/call-variables", Some(&admin), None).await.status,
        StatusCode::NOT_FOUND
    );

    // Someone outside the queue learns nothing, not even that the conversation exists.
    let outsider = server.agent_outside(queue).await;
    let outsider = server.sign_in(&outsider).await;
    let path = format!("/api/conversations/{id}/call-data");
    for (method, path, body) in [
        ("GET", path.clone(), None),
        ("PUT", format!("{path}/order_id"), Some(json!({"value": "1", "version": 0}))),
        ("POST", format!("{path}/order_id/reveal"), None),
    ] {
        let answer = server.request(method, &path, Some(&outsider), body).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
}
