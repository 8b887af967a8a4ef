//! The post-chat survey: the administrator's questions per queue, the customer's answers once the
//! chat has ended (once, checked by the shared rules), and where they show: the listing's Rating
//! column (sortable, exported), the interaction's detail and the contact's History.

use crate::common::{Customer, TestServer};

use axum::http::StatusCode;
use serde_json::{Value, json};

/// The queue asks for a required rating and an optional comment; the stored questions' ids.
async fn ask(server: &TestServer, admin: &str, queue: i64) -> (i64, i64) {
    let questions = json!({"questions": [
        {"kind": "rating", "label": "How did we do?", "required": true},
        {"kind": "comment", "label": "Anything we could do better?", "required": false},
    ]});
    let path = format!("/api/admin/queues/{queue}/feedback");
    let saved = server.request("PUT", &path, Some(admin), Some(questions)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    let ids: Vec<i64> =
        saved.json["questions"].as_array().unwrap().iter().map(|q| q["id"].as_i64().unwrap()).collect();
    (ids[0], ids[1])
}

/// A chat in `queue` taken by `agent` and ended by the customer.
async fn ended_chat(server: &TestServer, agent: &str, queue: i64, name: &str) -> Customer {
    let customer = server.start_chat(queue, name).await;
    let id = customer.conversation_id;
    let accepted = server
        .request("POST", "/api/offers/accept", Some(agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);
    let ended = server.request("POST", "/api/chat/end", Some(&customer.cookie), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.json);
    customer
}

async fn answer(server: &TestServer, customer: &Customer, replies: Value) -> crate::common::Answer {
    server
        .request("POST", "/api/chat/feedback", Some(&customer.cookie), Some(json!({"replies": replies})))
        .await
}

#[tokio::test]
async fn only_an_administrator_sets_the_questions_and_they_are_checked() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let admin = server.sign_in("admin").await;
    let agent = server.sign_in("agent1").await;
    let path = format!("/api/admin/queues/{queue}/feedback");
    let none = server.request("GET", &path, Some(&admin), None).await;
    assert_eq!(none.json["questions"], json!([]), "a queue asks nothing until told to");
    let by_agent = server.request("PUT", &path, Some(&agent), Some(json!({"questions": []}))).await;
    assert_eq!(by_agent.status, StatusCode::FORBIDDEN);

    let twice = json!({"questions": [
        {"kind": "rating", "label": "How did we do?", "required": true},
        {"kind": "comment", "label": " How did we do? ", "required": false},
    ]});
    let refused = server.request("PUT", &path, Some(&admin), Some(twice)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (refused.json["field"].as_str(), refused.json["rule"]["kind"].as_str()),
        (Some("questions[1].label"), Some("taken"))
    );
    let (rating, comment) = ask(&server, &admin, queue).await;
    let stored = server.request("GET", &path, Some(&admin), None).await;
    assert_eq!(stored.json["questions"][0]["id"], rating);
    assert_eq!(stored.json["questions"][1]["id"], comment);
    assert_eq!(stored.json["questions"][1]["kind"], "comment");
    let unknown = server
        .request("PUT", "/api/admin/queues/999999/feedback", Some(&admin), Some(json!({"questions": []})))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_customer_answers_once_after_the_chat_and_the_answers_show_in_the_listing_detail_history_and_export()
 {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let admin = server.sign_in("admin").await;
    let agent = server.sign_in("agent1").await;
    server.go_available(&agent).await;
    let (rating, comment) = ask(&server, &admin, queue).await;

    // Not while the chat goes on.
    let customer = server.start_chat(queue, "Oskar Feedbackson").await;
    let id = customer.conversation_id;
    let form = server.request("GET", "/api/chat/feedback?lang=en", Some(&customer.cookie), None).await;
    assert_eq!(
        (form.json["answered"].as_bool(), form.json["questions"].as_array().map(Vec::len)),
        (Some(false), Some(2))
    );
    let early = answer(&server, &customer, json!([{"question_id": rating, "rating": 5}])).await;
    assert_eq!((early.status, early.json["reason"].as_str()), (StatusCode::CONFLICT, Some("not_ended")));
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contacts ORDER BY id LIMIT 1")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let path = format!("/api/conversations/{id}/contact");
    let linked = server.request("PUT", &path, Some(&agent), Some(json!({"contact_id": contact}))).await;
    assert_eq!(linked.status, StatusCode::OK, "{}", linked.json);
    let ended = server.request("POST", "/api/chat/end", Some(&customer.cookie), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.json);

    // The rules, beside the question at fault.
    let cases = [
        (json!([{"question_id": rating, "rating": 6}]), format!("replies.{rating}"), "too_large"),
        (json!([{"question_id": rating, "rating": 0}]), format!("replies.{rating}"), "too_small"),
        (json!([{"question_id": comment, "comment": "Only words"}]), format!("replies.{rating}"), "required"),
        (
            json!([{"question_id": rating, "rating": 4}, {"question_id": comment, "comment": "x".repeat(1001)}]),
            format!("replies.{comment}"),
            "too_long",
        ),
        (json!([{"question_id": 424242, "rating": 4}]), "replies.424242".to_owned(), "not_an_option"),
    ];
    for (replies, field, rule) in cases {
        let refused = answer(&server, &customer, replies.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{replies}");
        assert_eq!(
            (refused.json["field"].as_str(), refused.json["rule"]["kind"].as_str()),
            (Some(field.as_str()), Some(rule))
        );
    }
    let given = answer(
        &server,
        &customer,
        json!([
            {"question_id": rating, "rating": 4},
            {"question_id": comment, "comment": "  Quick and kind, thank you  "},
        ]),
    )
    .await;
    assert_eq!(given.status, StatusCode::NO_CONTENT, "{}", given.json);
    let again = answer(&server, &customer, json!([{"question_id": rating, "rating": 1}])).await;
    assert_eq!(
        (again.status, again.json["reason"].as_str()),
        (StatusCode::CONFLICT, Some("already_answered"))
    );
    let form = server.request("GET", "/api/chat/feedback", Some(&customer.cookie), None).await;
    assert_eq!(form.json["answered"], true);
    assert_eq!(
        server.request("GET", "/api/chat/feedback", None, None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Two more chats: one rated 2 (and no comment), one not rated.
    let low = ended_chat(&server, &agent, queue, "Petra Lowstar").await;
    assert_eq!(
        answer(&server, &low, json!([{"question_id": rating, "rating": 2}])).await.status,
        StatusCode::NO_CONTENT
    );
    let silent = ended_chat(&server, &agent, queue, "Silent Sam").await;

    // The listing: the rating and the comment, sorted by rating both ways.
    let list = |desc: bool| {
        let server = &server;
        let admin = admin.clone();
        async move {
            let query = format!("channel=chat&zone=UTC&sort=rating&desc={desc}");
            let page = server.request("GET", &format!("/api/interactions?{query}"), Some(&admin), None).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.json);
            page.json["rows"].as_array().unwrap().clone()
        }
    };
    let ours = [id, low.conversation_id, silent.conversation_id];
    let order = |rows: &[Value]| -> Vec<i64> {
        rows.iter().map(|r| r["id"].as_i64().unwrap()).filter(|i| ours.contains(i)).collect()
    };
    let rows = list(true).await;
    assert_eq!(order(&rows), vec![id, low.conversation_id, silent.conversation_id]);
    let row = rows.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(
        (row["rating"].as_u64(), row["comment"].as_str()),
        (Some(4), Some("Quick and kind, thank you"))
    );
    let row = rows.iter().find(|r| r["id"] == silent.conversation_id).unwrap();
    assert_eq!((row["rating"].clone(), row["comment"].clone()), (Value::Null, Value::Null));
    assert_eq!(order(&list(false).await), vec![silent.conversation_id, low.conversation_id, id]);

    // The detail and the contact's History: each question as it was asked.
    let detail = server.request("GET", &format!("/api/interactions/{id}"), Some(&admin), None).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.json);
    assert_eq!(
        detail.json["feedback"],
        json!([
            {"question": "How did we do?", "kind": "rating", "rating": 4, "comment": null},
            {"question": "Anything we could do better?", "kind": "comment", "rating": null, "comment": "Quick and kind, thank you"},
        ])
    );
    let history =
        server.request("GET", &format!("/api/contacts/{contact}/history"), Some(&agent), None).await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.json);
    let item = history.json["items"].as_array().unwrap().iter().find(|i| i["conversation_id"] == id).unwrap();
    assert_eq!(item["feedback"], detail.json["feedback"]);

    // Changed questions later do not change what was asked.
    let path = format!("/api/admin/queues/{queue}/feedback");
    let renamed = json!({"questions": [{"kind": "rating", "label": "Stars?", "required": false}]});
    assert_eq!(server.request("PUT", &path, Some(&admin), Some(renamed)).await.status, StatusCode::OK);
    let detail = server.request("GET", &format!("/api/interactions/{id}"), Some(&admin), None).await;
    assert_eq!(detail.json["feedback"][0]["question"], "How did we do?");

    // The export: the rating as a number and the comment, named in the user's language.
    let query = "channel=chat&zone=UTC&sort=rating&desc=true&format=csv&lang=cs";
    let (status, csv) =
        server.request_bytes("GET", &format!("/api/interactions/export?{query}"), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv[..]);
    let head: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let (at_rating, at_comment) = (
        head.iter().position(|h| h == "Hodnocení (1–5)").expect("a Rating column"),
        head.iter().position(|h| h == "Komentář zákazníka").expect("a Comment column"),
    );
    let first = reader.records().next().unwrap().unwrap();
    assert_eq!((&first[at_rating], &first[at_comment]), ("4", "Quick and kind, thank you"));
}

#[tokio::test]
async fn two_answers_sent_at_once_store_one() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let admin = server.sign_in("admin").await;
    let agent = server.sign_in("agent1").await;
    server.go_available(&agent).await;
    let (rating, _) = ask(&server, &admin, queue).await;
    let customer = ended_chat(&server, &agent, queue, "Dora Double").await;
    let (first, second) = tokio::join!(
        answer(&server, &customer, json!([{"question_id": rating, "rating": 5}])),
        answer(&server, &customer, json!([{"question_id": rating, "rating": 1}])),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::NO_CONTENT, StatusCode::CONFLICT]);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM feedback_answers WHERE conversation_id = $1")
        .bind(customer.conversation_id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
}
