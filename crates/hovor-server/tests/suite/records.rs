//! Customer records: directory search, linking contacts to conversations and their child
//! interactions, merge and undo, version conflicts with the audit trail, keyword and agent tags,
//! cases, the related-record timeline, the session pane and the history tab.

use crate::common;

use std::time::Duration;

use axum::http::StatusCode;
use common::{Answer, TestServer, envelopes};
use hovor_types::event::ServerEvent;
use serde_json::{Value, json};

const QUIET: Duration = Duration::from_millis(400);

fn expect(answer: Answer, status: StatusCode) -> Value {
    assert_eq!(answer.status, status, "{}", answer.json);
    answer.json
}

fn new_contact(first: &str, last: &str, extra: Value) -> Value {
    let mut body = json!({
        "fields": {"version": null, "first_name": first, "last_name": last, "language": "cs", "account_id": null},
    });
    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    body
}

async fn create_contact(server: &TestServer, cookie: &str, first: &str, last: &str, extra: Value) -> Value {
    let answer =
        server.request("POST", "/api/contacts", Some(cookie), Some(new_contact(first, last, extra))).await;
    expect(answer, StatusCode::CREATED)
}

async fn get(server: &TestServer, cookie: &str, path: &str) -> Value {
    expect(server.request("GET", path, Some(cookie), None).await, StatusCode::OK)
}

async fn add_detail(
    server: &TestServer,
    cookie: &str,
    contact: &Value,
    kind: &str,
    label: &str,
    value: &str,
) -> Value {
    let body = json!({"version": contact["version"], "kind": kind, "label": label, "value": value});
    let path = format!("/api/contacts/{}/details", contact["id"]);
    expect(server.request("POST", &path, Some(cookie), Some(body)).await, StatusCode::OK)
}

/// The ids of the contacts a directory search finds (first page).
async fn found(server: &TestServer, cookie: &str, q: &str) -> Vec<i64> {
    let page = get(server, cookie, &format!("/api/directory?q={}", urlencode(q))).await;
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "contact")
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The agent's first task.
async fn first_task(server: &TestServer, cookie: &str) -> i64 {
    get(server, cookie, "/api/tasks").await[0]["id"].as_i64().unwrap()
}

async fn contact_of(server: &TestServer, conversation: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&server.pool)
        .await
        .unwrap()
}

/// The distinct contact ids of the conversation's messages.
async fn message_contacts(server: &TestServer, conversation: i64) -> Vec<Option<i64>> {
    sqlx::query_scalar("SELECT DISTINCT contact_id FROM messages WHERE conversation_id = $1")
        .bind(conversation)
        .fetch_all(&server.pool)
        .await
        .unwrap()
}

async fn set_contact(server: &TestServer, cookie: &str, conversation: i64, contact: Option<i64>) -> Answer {
    let path = format!("/api/conversations/{conversation}/contact");
    server.request("PUT", &path, Some(cookie), Some(json!({"contact_id": contact}))).await
}

#[tokio::test]
async fn the_directory_finds_people_whatever_the_case_diacritics_script_or_phone_spacing() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let jana = create_contact(
        &server,
        &cookie,
        "Jana",
        "Nováková",
        json!({"phone": "+420 602 987 654", "email": "jana.test@example.cz"}),
    )
    .await;
    let jana_id = jana["id"].as_i64().unwrap();
    assert_eq!(jana["phones"][0]["is_default"], true, "the first phone is the default");
    add_detail(&server, &cookie, &jana, "identifier", "Customer number", "C-55501").await;
    let olena =
        create_contact(&server, &cookie, "Олена", "Шевченко", json!({})).await["id"].as_i64().unwrap();

    for q in ["novakova", "NOVÁKOVÁ jana", "jana nov", "JANA.TEST@example.cz"] {
        assert!(found(&server, &cookie, q).await.contains(&jana_id), "{q} finds Jana Nováková");
    }
    for q in ["+420 602 987 654", "602987654", "602-987-654", "(602) 987 654"] {
        assert_eq!(found(&server, &cookie, q).await, vec![jana_id], "{q} finds the same contact");
    }
    assert_eq!(found(&server, &cookie, "c-55501").await, vec![jana_id], "by identifier");
    for q in ["шевченко", "ОЛЕНА"] {
        assert!(found(&server, &cookie, q).await.contains(&olena), "{q}");
    }
    assert!(!found(&server, &cookie, "novakova petr").await.contains(&jana_id), "every word must match");

    // Paging: every record once, DIRECTORY_PAGE at a time, the total counted.
    let records: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM contacts WHERE merged_into IS NULL) + (SELECT COUNT(*) FROM accounts)",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut page = 0;
    loop {
        let answer = get(&server, &cookie, &format!("/api/directory?page={page}")).await;
        assert_eq!(answer["total"].as_i64().unwrap(), records);
        let entries = answer["entries"].as_array().unwrap();
        if entries.is_empty() {
            break;
        }
        assert!(entries.len() <= 20);
        seen.extend(entries.iter().map(|e| format!("{}{}", e["kind"], e["id"])));
        page += 1;
    }
    assert_eq!(page as i64, (records + 19) / 20);
    let count = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!((count, seen.len()), (records as usize, records as usize), "each record once");
    let accounts = get(&server, &cookie, "/api/directory?q=s.r.o").await;
    assert!(accounts["entries"].as_array().unwrap().iter().any(|e| e["kind"] == "account"));

    // A contact merged into another leaves the directory.
    let twin = create_contact(&server, &cookie, "Jana", "Novakova", json!({"email": "jn@example.cz"})).await;
    assert!(found(&server, &cookie, "novakova").await.contains(&twin["id"].as_i64().unwrap()));
    let merge = json!({
        "child_id": twin["id"], "master_version": 2, "child_version": twin["version"],
        "first_name": "master", "last_name": "master", "language": "master", "account": "master",
    });
    let path = format!("/api/contacts/{jana_id}/merge");
    expect(server.request("POST", &path, Some(&cookie), Some(merge)).await, StatusCode::OK);
    let after = found(&server, &cookie, "novakova").await;
    assert!(after.contains(&jana_id) && !after.contains(&twin["id"].as_i64().unwrap()));
    assert!(
        found(&server, &cookie, "jn@example.cz").await.contains(&jana_id),
        "the master has the copied email"
    );

    let long =
        server.request("GET", &format!("/api/directory?q={}", "a".repeat(101)), Some(&cookie), None).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.json["field"], "q");
    assert_eq!(server.request("GET", "/api/directory", None, None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_contact_set_on_a_conversation_reaches_its_child_interactions_and_their_messages() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let parent = first_task(&server, &cookie).await;
    let before = get(&server, &cookie, "/api/tasks").await.as_array().unwrap().len();

    // Start call from the card: a dialling outbound call, the agent's own, a child of the conversation.
    let path = format!("/api/conversations/{parent}/outbound");
    let call = expect(
        server.request("POST", &path, Some(&cookie), Some(json!({"channel": "voice"}))).await,
        StatusCode::CREATED,
    );
    let child = call["id"].as_i64().unwrap();
    assert_eq!((call["channel"].as_str(), call["dialling"].as_bool()), (Some("voice"), Some(true)));
    let tasks = get(&server, &cookie, "/api/tasks").await;
    assert_eq!(tasks.as_array().unwrap().len(), before + 1, "the call is in the task list");
    let (direction, parent_id): (String, Option<i64>) =
        sqlx::query_as("SELECT direction, parent_id FROM conversations WHERE id = $1")
            .bind(child)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!((direction.as_str(), parent_id), ("outbound", Some(parent)));
    let chat = server.request("POST", &path, Some(&cookie), Some(json!({"channel": "chat"}))).await;
    assert_eq!(
        (chat.status, chat.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("channel"))
    );
    let send = format!("/api/conversations/{child}/messages");
    expect(
        server.request("POST", &send, Some(&cookie), Some(json!({"body": "Calling you back."}))).await,
        StatusCode::CREATED,
    );

    let contact =
        create_contact(&server, &cookie, "Karel", "Dvořák", json!({"phone": "+420 603 111 222"})).await;
    let id = contact["id"].as_i64().unwrap();
    let card = expect(set_contact(&server, &cookie, parent, Some(id)).await, StatusCode::OK);
    assert_eq!(card["contact"]["id"], id);
    for conversation in [parent, child] {
        assert_eq!(contact_of(&server, conversation).await, Some(id));
        assert_eq!(message_contacts(&server, conversation).await, vec![Some(id)]);
    }
    let audit = get(&server, &cookie, &format!("/api/contacts/{id}/audit")).await;
    assert_eq!(audit[0]["field"], "created");

    let card = expect(set_contact(&server, &cookie, parent, None).await, StatusCode::OK);
    assert!(card["contact"].is_null());
    for conversation in [parent, child] {
        assert_eq!(contact_of(&server, conversation).await, None);
        assert_eq!(message_contacts(&server, conversation).await, vec![None]);
    }
    let no_contact = server.request("POST", &path, Some(&cookie), Some(json!({"channel": "voice"}))).await;
    assert_eq!(no_contact.status, StatusCode::CONFLICT);

    let bad = set_contact(&server, &cookie, parent, Some(999_999)).await;
    assert_eq!(
        (bad.status, bad.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("contact_id"))
    );

    // Someone else's conversation stays out of reach.
    let foreign: i64 = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE queue_id NOT IN
             (SELECT queue_id FROM queue_members WHERE user_id = (SELECT id FROM users WHERE username = 'agent1'))
         LIMIT 1",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert_eq!(set_contact(&server, &cookie, foreign, Some(id)).await.status, StatusCode::NOT_FOUND);

    // A contact without an email cannot be written to.
    expect(set_contact(&server, &cookie, parent, Some(id)).await, StatusCode::OK);
    let email = server.request("POST", &path, Some(&cookie), Some(json!({"channel": "email"}))).await;
    assert_eq!(email.status, StatusCode::CONFLICT);
    assert_eq!(email.json["message"], "The contact has no default email address.");
}

/// A contact as compared across a merge and its undo (the version aside).
fn without_version(contact: &Value) -> Value {
    let mut c = contact.clone();
    c.as_object_mut().unwrap().remove("version");
    c
}

async fn history_ids(server: &TestServer, cookie: &str, contact: i64) -> Vec<i64> {
    let page = get(server, cookie, &format!("/api/contacts/{contact}/history")).await;
    page["items"].as_array().unwrap().iter().map(|i| i["conversation_id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn a_merge_combines_two_contacts_and_its_undo_restores_both_exactly() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("supervisor").await;
    let account = expect(
        server
            .request(
                "POST",
                "/api/accounts",
                Some(&cookie),
                Some(json!({"version": null, "name": "Dvořák Pekárna", "city": "Brno", "country": "Česko", "phone": null})),
            )
            .await,
        StatusCode::CREATED,
    );
    let master = create_contact(
        &server,
        &cookie,
        "Marie",
        "Dvořáková",
        json!({"phone": "+420 777 100 200", "email": "marie@example.cz"}),
    )
    .await;
    let master_id = master["id"].as_i64().unwrap();
    let fields = json!({"version": master["version"], "first_name": "Marie", "last_name": "Dvořáková", "language": "cs", "account_id": account["id"]});
    let master = expect(
        server.request("PUT", &format!("/api/contacts/{master_id}"), Some(&cookie), Some(fields)).await,
        StatusCode::OK,
    );
    add_detail(&server, &cookie, &master, "identifier", "Customer number", "C-1").await;
    let child = create_contact(
        &server,
        &cookie,
        "Maria",
        "Dvorakova",
        json!({"phone": "+420 777-100-200", "email": "m.dvorakova@posta.cz"}),
    )
    .await;
    let child_id = child["id"].as_i64().unwrap();
    let fields = json!({"version": child["version"], "first_name": "Maria", "last_name": "Dvorakova", "language": "en", "account_id": null});
    let child = expect(
        server.request("PUT", &format!("/api/contacts/{child_id}"), Some(&cookie), Some(fields)).await,
        StatusCode::OK,
    );
    let child = add_detail(&server, &cookie, &child, "identifier", "Loyalty card", "LC-9").await;
    add_detail(&server, &cookie, &child, "phone", "work", "+420 544 000 111").await;

    // Two conversations and a case for the child, one conversation for the master.
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM conversations WHERE status = 'ended' ORDER BY id LIMIT 3")
            .fetch_all(&server.pool)
            .await
            .unwrap();
    for (conversation, contact) in [(ids[0], child_id), (ids[1], child_id), (ids[2], master_id)] {
        expect(set_contact(&server, &cookie, conversation, Some(contact)).await, StatusCode::OK);
    }
    let case = json!({"version": null, "title": "Vrácení přeplatku", "priority": "normal", "status": "new",
                      "description": "", "link_conversation": ids[0]});
    let case =
        expect(server.request("POST", "/api/cases", Some(&cookie), Some(case)).await, StatusCode::CREATED);
    assert_eq!(case["contact_id"], child_id);

    let master_before = get(&server, &cookie, &format!("/api/contacts/{master_id}")).await;
    let child_before = get(&server, &cookie, &format!("/api/contacts/{child_id}")).await;
    let master_history = history_ids(&server, &cookie, master_id).await;
    let child_history = history_ids(&server, &cookie, child_id).await;
    assert_eq!(child_history.len(), 2);
    let owners_before = [
        contact_of(&server, ids[0]).await,
        contact_of(&server, ids[1]).await,
        contact_of(&server, ids[2]).await,
    ];

    let merge = json!({
        "child_id": child_id, "master_version": master_before["version"], "child_version": child_before["version"],
        "first_name": "child", "last_name": "master", "language": "child", "account": "master",
    });
    let merge_path = format!("/api/contacts/{master_id}/merge");
    let merged =
        expect(server.request("POST", &merge_path, Some(&cookie), Some(merge.clone())).await, StatusCode::OK);
    assert_eq!(
        (merged["first_name"].as_str(), merged["last_name"].as_str(), merged["language"].as_str()),
        (Some("Maria"), Some("Dvořáková"), Some("en"))
    );
    assert_eq!(merged["account_id"], account["id"]);
    let phones: Vec<&str> =
        merged["phones"].as_array().unwrap().iter().map(|p| p["value"].as_str().unwrap()).collect();
    assert_eq!(
        phones,
        vec!["+420 777 100 200", "+420 544 000 111"],
        "the same number in another spacing is not copied"
    );
    assert_eq!(merged["phones"].as_array().unwrap().iter().filter(|p| p["is_default"] == true).count(), 1);
    assert_eq!(merged["emails"].as_array().unwrap().len(), 2);
    assert_eq!(merged["emails"][0]["value"], "marie@example.cz", "the master's default stays the default");
    assert_eq!(merged["identifiers"].as_array().unwrap().len(), 2);
    assert_eq!(
        server.request("GET", &format!("/api/contacts/{child_id}"), Some(&cookie), None).await.status,
        StatusCode::NOT_FOUND
    );
    for conversation in &ids {
        assert_eq!(contact_of(&server, *conversation).await, Some(master_id));
    }
    assert_eq!(message_contacts(&server, ids[0]).await, vec![Some(master_id)]);
    let mut all = history_ids(&server, &cookie, master_id).await;
    all.sort();
    assert_eq!(all, ids);
    assert_eq!(
        get(&server, &cookie, &format!("/api/cases?q={}", urlencode("vraceni preplatku"))).await[0]["contact_id"],
        master_id
    );
    let merges = get(&server, &cookie, &format!("/api/contacts/{master_id}/merges")).await;
    assert_eq!(
        (merges[0]["child_name"].as_str(), merges[0]["interactions_moved"].as_i64()),
        (Some("Maria Dvorakova"), Some(2))
    );
    assert!(merges[0]["undone_at"].is_null());
    assert_eq!(merges[0]["by"], "Martina Králová");
    let again = server.request("POST", &merge_path, Some(&cookie), Some(merge)).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "a merged contact cannot be merged again");

    let undo_path = format!("/api/contacts/{master_id}/merges/undo");
    let undone = expect(server.request("POST", &undo_path, Some(&cookie), None).await, StatusCode::OK);
    assert_eq!(
        without_version(&undone),
        without_version(&master_before),
        "the master as before, field by field"
    );
    assert_eq!(
        get(&server, &cookie, &format!("/api/contacts/{child_id}")).await,
        child_before,
        "the child exactly as before"
    );
    let owners = [
        contact_of(&server, ids[0]).await,
        contact_of(&server, ids[1]).await,
        contact_of(&server, ids[2]).await,
    ];
    assert_eq!(owners, owners_before);
    assert_eq!(message_contacts(&server, ids[1]).await, vec![Some(child_id)]);
    assert_eq!(history_ids(&server, &cookie, master_id).await, master_history);
    assert_eq!(history_ids(&server, &cookie, child_id).await, child_history);
    let merges = get(&server, &cookie, &format!("/api/contacts/{master_id}/merges")).await;
    assert!(merges[0]["undone_at"].is_i64());
    let none = server.request("POST", &undo_path, Some(&cookie), None).await;
    assert_eq!((none.status, none.json["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    assert_eq!(none.json["message"], "There is no merge to undo.");

    // Merged again, then edited: the undo would overwrite the edit, so it is refused.
    let merge = json!({
        "child_id": child_id, "master_version": undone["version"], "child_version": child_before["version"],
        "first_name": "master", "last_name": "master", "language": "master", "account": "master",
    });
    let merged =
        expect(server.request("POST", &merge_path, Some(&cookie), Some(merge)).await, StatusCode::OK);
    let fields = json!({"version": merged["version"], "first_name": "Marie", "last_name": "Dvořáková-Nová", "language": "cs", "account_id": null});
    expect(
        server.request("PUT", &format!("/api/contacts/{master_id}"), Some(&cookie), Some(fields)).await,
        StatusCode::OK,
    );
    let refused = server.request("POST", &undo_path, Some(&cookie), None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(
        refused.json["message"],
        "The contact changed after the merge; undoing would overwrite those changes."
    );
    let audit = get(&server, &cookie, &format!("/api/contacts/{master_id}/audit")).await;
    let fields: Vec<&str> = audit.as_array().unwrap().iter().map(|a| a["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"merged") && fields.contains(&"merge undone"), "{fields:?}");
}

#[tokio::test]
async fn of_two_concurrent_saves_on_one_version_exactly_one_wins_and_the_other_sees_the_winner() {
    let server = TestServer::new().await;
    let tereza = server.sign_in("agent1").await;
    let petr = server.sign_in("agent2").await;
    let contact = create_contact(&server, &tereza, "Jana", "Malá", json!({})).await;
    let path = format!("/api/contacts/{}", contact["id"]);
    let read_by_tereza = get(&server, &tereza, &path).await;
    let read_by_petr = get(&server, &petr, &path).await;
    assert_eq!(read_by_tereza["version"], read_by_petr["version"]);
    let save = |first: &str, version: &Value| json!({"version": version, "first_name": first, "last_name": "Malá", "language": "cs", "account_id": null});
    let (a, b) = tokio::join!(
        server.request("PUT", &path, Some(&tereza), Some(save("Johana", &read_by_tereza["version"]))),
        server.request("PUT", &path, Some(&petr), Some(save("Jane", &read_by_petr["version"]))),
    );
    let (winner, loser, winner_name, winner_value) = match (a.status, b.status) {
        (StatusCode::OK, StatusCode::CONFLICT) => (a, b, "Tereza Malá", "Johana"),
        (StatusCode::CONFLICT, StatusCode::OK) => (b, a, "Petr Svoboda", "Jane"),
        other => panic!("exactly one save wins: {other:?} {} {}", a.json, b.json),
    };
    assert_eq!(winner.json["first_name"], winner_value);
    assert_eq!(loser.json["code"], "version_conflict");
    assert_eq!(loser.json["message"], "Someone else saved this record first.");
    let conflict = &loser.json["conflict"];
    assert_eq!(conflict["changed_by"], winner_name);
    assert_eq!(conflict["current"]["contact"]["first_name"], winner_value);
    assert_eq!(conflict["current"]["contact"]["version"], winner.json["version"]);
    assert!(conflict["changed_at"].as_i64().unwrap() > 0);

    let unversioned = server.request("PUT", &path, Some(&tereza), Some(save("X", &Value::Null))).await;
    assert_eq!(
        (unversioned.status, unversioned.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("version"))
    );
    let audit = get(&server, &tereza, &format!("{path}/audit")).await;
    assert_eq!(
        (
            audit[0]["field"].as_str(),
            audit[0]["old_value"].as_str(),
            audit[0]["new_value"].as_str(),
            audit[0]["by"].as_str()
        ),
        (Some("first_name"), Some("Jana"), Some(winner_value), Some(winner_name))
    );
    let stale_delete = server.request("DELETE", &format!("{path}?version=1"), Some(&petr), None).await;
    assert_eq!(stale_delete.status, StatusCode::CONFLICT);

    // A case, the same way.
    let conversation = first_task(&server, &tereza).await;
    let case = json!({"version": null, "title": "Router", "priority": "normal", "status": "new", "description": "", "link_conversation": conversation});
    let case =
        expect(server.request("POST", "/api/cases", Some(&tereza), Some(case)).await, StatusCode::CREATED);
    let case_path = format!("/api/cases/{}", case["id"]);
    let edit = |status: &str, version: &Value| json!({"version": version, "title": "Router", "priority": "high", "status": status, "description": "Restarts at night."});
    let (a, b) = tokio::join!(
        server.request("PUT", &case_path, Some(&tereza), Some(edit("open", &case["version"]))),
        server.request("PUT", &case_path, Some(&petr), Some(edit("pending", &case["version"]))),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let (winner, loser) = if a.status == StatusCode::OK { (a, b) } else { (b, a) };
    assert_eq!(loser.json["conflict"]["current"]["case"]["status"], winner.json["status"]);
    let unversioned =
        server.request("PUT", &case_path, Some(&tereza), Some(edit("closed", &Value::Null))).await;
    assert_eq!(unversioned.json["field"], "version");
    let audit = get(&server, &tereza, &format!("{case_path}/audit")).await;
    let changed: Vec<&str> = audit.as_array().unwrap().iter().map(|a| a["field"].as_str().unwrap()).collect();
    assert_eq!(changed, vec!["description", "status", "priority", "created"]);

    // Two agents adding the same parameter at once: the second is told, not overwritten.
    let params = format!("/api/conversations/{conversation}/parameters");
    let supervisor = server.sign_in("supervisor").await;
    let add = |value: &str| json!({"version": null, "key": "Order number", "value": value});
    let (a, b) = tokio::join!(
        server.request("PUT", &params, Some(&tereza), Some(add("OBJ-1"))),
        server.request("PUT", &params, Some(&supervisor), Some(add("OBJ-2"))),
    );
    let (winner, loser) = if a.status == StatusCode::OK { (a, b) } else { (b, a) };
    assert_eq!((winner.status, loser.status), (StatusCode::OK, StatusCode::CONFLICT));
    assert_eq!(winner.json["version"], 1);
    assert_eq!(loser.json["conflict"]["current"]["parameter"]["value"], winner.json["value"]);
    let edit = json!({"version": 1, "key": "Order number", "value": "OBJ-3"});
    let edited =
        expect(server.request("PUT", &params, Some(&tereza), Some(edit.clone())).await, StatusCode::OK);
    assert_eq!((edited["value"].as_str(), edited["version"].as_i64()), (Some("OBJ-3"), Some(2)));
    let stale = server.request("PUT", &params, Some(&supervisor), Some(edit)).await;
    assert_eq!(stale.json["conflict"]["changed_by"], "Tereza Malá");
}

/// A chat in the first queue, accepted by agent1.
async fn accepted_chat(server: &TestServer, cookie: &str, name: &str) -> common::Customer {
    let queue = server.queue_id(0).await;
    server.go_available(cookie).await;
    let customer = server.start_chat(queue, name).await;
    let id = customer.conversation_id;
    let answer = server
        .request("POST", "/api/offers/accept", Some(cookie), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(expect(answer, StatusCode::OK)["accepted"], json!([id]));
    customer
}

fn tag_names(tags: &Value) -> Vec<String> {
    tags.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
}

async fn tag_id(server: &TestServer, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM tags WHERE name = $1")
        .bind(name)
        .fetch_one(&server.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn customer_messages_are_tagged_by_keyword_and_agents_tag_from_three_sources() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let customer = accepted_chat(&server, &cookie, "Jana Nováková").await;
    let id = customer.conversation_id;
    let mut stream = server.events(&cookie, None).await;
    stream.drain(QUIET).await;

    let send = |body: &str| {
        server.request("POST", "/api/chat/messages", Some(&customer.cookie), Some(json!({"body": body})))
    };
    expect(send("Reklamace: faktura za září je dvakrát.").await, StatusCode::CREATED);
    let tags: Vec<_> = envelopes(&stream.drain(QUIET).await)
        .into_iter()
        .filter_map(|e| match e.event {
            ServerEvent::TagsChanged { conversation_id, tags } if conversation_id == id => Some(tags),
            _ => None,
        })
        .collect();
    assert_eq!(tags.len(), 1, "one event for both tags");
    let names: Vec<&str> = tags[0].iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["Billing", "Complaint"]);
    expect(send("Ještě jednou: reklamace.").await, StatusCode::CREATED);
    let again = envelopes(&stream.drain(QUIET).await);
    assert!(!again.iter().any(|e| matches!(e.event, ServerEvent::TagsChanged { .. })), "no change, no event");

    let complaint = tag_id(&server, "Complaint").await;
    let tagged = get(&server, &cookie, &format!("/api/tasks?tag={complaint}")).await;
    let ids: Vec<i64> = tagged.as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![id]);
    assert_eq!(tag_names(&tagged[0]["tags"]), vec!["Billing", "Complaint"]);
    let all = get(&server, &cookie, "/api/tasks").await;
    assert!(all.as_array().unwrap().len() > 1);
    let vip = tag_id(&server, "VIP").await;
    assert!(get(&server, &cookie, &format!("/api/tasks?tag={vip}")).await.as_array().unwrap().is_empty());

    // Typed: a new company tag; company: an existing one; an unknown company tag is refused.
    let path = format!("/api/conversations/{id}/tags");
    let typed = expect(
        server
            .request("POST", &path, Some(&cookie), Some(json!({"name": "Zpětná vazba", "source": "typed"})))
            .await,
        StatusCode::OK,
    );
    assert_eq!(tag_names(&typed), vec!["Billing", "Complaint", "Zpětná vazba"]);
    let session = get(&server, &cookie, &format!("/api/conversations/{id}/session")).await;
    let new_tag = session["company_tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Zpětná vazba")
        .cloned()
        .unwrap();
    assert!(new_tag["background"].as_str().unwrap().starts_with('#'));
    let company =
        server.request("POST", &path, Some(&cookie), Some(json!({"name": "vip", "source": "company"}))).await;
    assert_eq!(
        tag_names(&expect(company, StatusCode::OK)),
        vec!["Billing", "Complaint", "VIP", "Zpětná vazba"]
    );
    let unknown = server
        .request("POST", &path, Some(&cookie), Some(json!({"name": "Nope", "source": "company"})))
        .await;
    assert_eq!(
        (unknown.status, unknown.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
    );
    let keyword =
        server.request("POST", &path, Some(&cookie), Some(json!({"name": "VIP", "source": "keyword"}))).await;
    assert_eq!(keyword.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Recent: what the agent used here is offered on another conversation.
    let other = get(&server, &cookie, "/api/tasks")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .find(|t| *t != id)
        .unwrap();
    let session = get(&server, &cookie, &format!("/api/conversations/{other}/session")).await;
    let mut recent = tag_names(&session["recent_tags"]);
    recent.sort();
    assert_eq!(recent, vec!["VIP", "Zpětná vazba"], "what the agent used, not on this conversation yet");
    let path_other = format!("/api/conversations/{other}/tags");
    let added = server
        .request("POST", &path_other, Some(&cookie), Some(json!({"name": "VIP", "source": "recent"})))
        .await;
    assert!(tag_names(&expect(added, StatusCode::OK)).contains(&"VIP".to_owned()));
    let session = get(&server, &cookie, &format!("/api/conversations/{other}/session")).await;
    assert!(!tag_names(&session["recent_tags"]).contains(&"VIP".to_owned()), "not offered once on it");

    let removed = server.request("DELETE", &format!("{path}/{complaint}"), Some(&cookie), None).await;
    assert_eq!(tag_names(&expect(removed, StatusCode::OK)), vec!["Billing", "VIP", "Zpětná vazba"]);
    assert!(envelopes(&stream.drain(QUIET).await).iter().any(|e| matches!(
        &e.event,
        ServerEvent::TagsChanged { conversation_id, tags } if *conversation_id == id && tags.len() == 3
    )));

    // Administration: a new rule applies to the next customer message; agents may not change rules.
    let admin = server.sign_in("admin").await;
    assert_eq!(
        server.request("GET", "/api/admin/tag-rules", Some(&cookie), None).await.status,
        StatusCode::FORBIDDEN
    );
    let rule = server
        .request(
            "POST",
            "/api/admin/tag-rules",
            Some(&admin),
            Some(json!({"keyword": "kurýr", "tag_name": "Delivery"})),
        )
        .await;
    let rule = expect(rule, StatusCode::CREATED);
    assert_eq!(rule["tag"]["name"], "Delivery");
    expect(send("Kurýra jsem nezastihla.").await, StatusCode::CREATED);
    let session = get(&server, &cookie, &format!("/api/conversations/{id}/session")).await;
    assert!(tag_names(&session["tags"]).contains(&"Delivery".to_owned()));
    let rules = get(&server, &admin, "/api/admin/tag-rules").await;
    assert_eq!(rules.as_array().unwrap().len(), 10);
    let colours = json!({"background": "#000000", "text": "#ffffff"});
    let path_colours = format!("/api/admin/tags/{}/colours", rule["tag"]["id"]);
    assert_eq!(
        expect(server.request("PUT", &path_colours, Some(&admin), Some(colours)).await, StatusCode::OK)["background"],
        "#000000"
    );
    let bad = server
        .request("PUT", &path_colours, Some(&admin), Some(json!({"background": "black", "text": "#fff"})))
        .await;
    assert_eq!(bad.json["field"], "background");
    let path_rule = format!("/api/admin/tag-rules/{}", rule["id"]);
    assert_eq!(server.request("DELETE", &path_rule, Some(&admin), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(server.request("DELETE", &path_rule, Some(&admin), None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_case_added_from_a_conversation_is_linked_found_and_edited_under_its_version() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let conversation = first_task(&server, &cookie).await;
    let highest: String =
        sqlx::query_scalar("SELECT MAX(number) FROM cases").fetch_one(&server.pool).await.unwrap();
    let fields = json!({"version": null, "title": "Přeplatek za září", "priority": "high", "status": "new",
                        "description": "Zákazník zaplatil dvakrát.", "link_conversation": conversation});
    let case =
        expect(server.request("POST", "/api/cases", Some(&cookie), Some(fields)).await, StatusCode::CREATED);
    let number = case["number"].as_str().unwrap();
    assert!(
        number.len() == 9 && number.starts_with("CAS-") && number > highest.as_str(),
        "{number} after {highest}"
    );
    assert_eq!(case["contact_id"].as_i64(), contact_of(&server, conversation).await);
    let pane = get(&server, &cookie, &format!("/api/conversations/{conversation}/cases")).await;
    assert_eq!(pane["linked"]["id"], case["id"]);
    assert_eq!(pane["linked"]["description"], "Zákazník zaplatil dvakrát.");

    for q in ["preplatek zari", "PŘEPLATEK", number, &number[4..]] {
        let found = get(&server, &cookie, &format!("/api/cases?q={}", urlencode(q))).await;
        assert_eq!(found[0]["id"], case["id"], "{q}");
    }
    let newest = get(&server, &cookie, "/api/cases").await;
    assert_eq!(newest.as_array().unwrap().len(), 20);
    assert_eq!(newest[0]["id"], case["id"], "newest first");
    let long = server.request("GET", &format!("/api/cases?q={}", "x".repeat(101)), Some(&cookie), None).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);

    let edit = json!({"version": case["version"], "title": "Přeplatek za září", "priority": "high", "status": "open", "description": ""});
    let path = format!("/api/cases/{}", case["id"]);
    let edited =
        expect(server.request("PUT", &path, Some(&cookie), Some(edit.clone())).await, StatusCode::OK);
    assert_eq!((edited["status"].as_str(), edited["version"].as_i64()), (Some("open"), Some(2)));
    let stale = server.request("PUT", &path, Some(&cookie), Some(edit)).await;
    assert_eq!(stale.json["code"], "version_conflict");
    assert_eq!(stale.json["conflict"]["changed_by"], "Tereza Malá");

    // Unlink and link again; the conversation's trail shows both.
    let link = format!("/api/conversations/{conversation}/case");
    let pane = expect(
        server.request("PUT", &link, Some(&cookie), Some(json!({"case_id": null}))).await,
        StatusCode::OK,
    );
    assert!(pane["linked"].is_null());
    let pane = expect(
        server.request("PUT", &link, Some(&cookie), Some(json!({"case_id": case["id"]}))).await,
        StatusCode::OK,
    );
    assert_eq!(pane["linked"]["id"], case["id"]);
    let bad = server.request("PUT", &link, Some(&cookie), Some(json!({"case_id": 999_999}))).await;
    assert_eq!(bad.json["field"], "case_id");
    let trail: Vec<String> = sqlx::query_scalar(
        "SELECT field FROM audit_log WHERE record = 'conversation' AND record_id = $1 ORDER BY id",
    )
    .bind(conversation)
    .fetch_all(&server.pool)
    .await
    .unwrap();
    assert_eq!(trail, vec!["case", "case", "case"]);
}

async fn timeline_page(server: &TestServer, cookie: &str, conversation: i64, query: &str) -> Value {
    get(server, cookie, &format!("/api/conversations/{conversation}/timeline?{query}")).await
}

/// (kind, key) of every entry, following `older` from the newest page to the oldest.
async fn whole_timeline(
    server: &TestServer,
    cookie: &str,
    conversation: i64,
    query: &str,
) -> Vec<(String, i64, i64)> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = timeline_page(server, cookie, conversation, &format!("{query}{cursor}")).await;
        let mut entries: Vec<(String, i64, i64)> = page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap().to_owned(),
                    e["at"].as_i64().unwrap(),
                    e["key"].as_i64().unwrap(),
                )
            })
            .collect();
        entries.append(&mut all);
        all = entries;
        match page["older"].as_object() {
            Some(c) => cursor = format!("&before_at={}&before_key={}", c["before_at"], c["before_key"]),
            None => return all,
        }
    }
}

#[tokio::test]
async fn the_timeline_follows_contact_or_case_with_every_kind_and_pages_without_gaps_or_repeats() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent2").await;
    // agent2's first chat is the returning customer's: a long history, an account and a case.
    let tasks = get(&server, &cookie, "/api/tasks").await;
    let task =
        tasks.as_array().unwrap().iter().find(|t| t["customer_name"] == "Božena Šťastná").unwrap().clone();
    let id = task["id"].as_i64().unwrap();

    // The case: its changes after an edit, its notes, its conversation.
    let case_id: i64 = sqlx::query_scalar("SELECT case_id FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let case = get(&server, &cookie, &format!("/api/conversations/{id}/cases")).await["linked"].clone();
    let edit = json!({"version": case["version"], "title": case["title"], "priority": "urgent", "status": "resolved", "description": ""});
    expect(
        server.request("PUT", &format!("/api/cases/{case_id}"), Some(&cookie), Some(edit)).await,
        StatusCode::OK,
    );
    // The note below is the newest entry: in a later millisecond than the case's changes, whose order
    // against it within one millisecond is by kind and id.
    common::clock_past(hovor_server::db::now_ms()).await;
    let notes = format!("/api/conversations/{id}/notes");
    let note = server
        .request(
            "POST",
            &notes,
            Some(&cookie),
            Some(json!({"record": "contact", "body": "  Prefers email.  "})),
        )
        .await;
    let note = expect(note, StatusCode::CREATED);
    assert_eq!(
        (note["kind"].as_str(), note["body"].as_str(), note["author"].as_str()),
        (Some("note"), Some("Prefers email."), Some("Petr Svoboda"))
    );
    assert_eq!(note["key"].as_i64().unwrap(), note["id"].as_i64().unwrap() * 8 + 2);
    let blank =
        server.request("POST", &notes, Some(&cookie), Some(json!({"record": "case", "body": " "}))).await;
    assert_eq!(blank.json["field"], "body");
    expect(
        server
            .request(
                "POST",
                &notes,
                Some(&cookie),
                Some(json!({"record": "case", "body": "Refund approved."})),
            )
            .await,
        StatusCode::CREATED,
    );
    expect(
        server
            .request(
                "POST",
                &notes,
                Some(&cookie),
                Some(json!({"record": "account", "body": "Bakery opens at 6."})),
            )
            .await,
        StatusCode::CREATED,
    );

    let page = timeline_page(&server, &cookie, id, "").await;
    assert_eq!(page["record"], "contact");
    assert_eq!(page["related"]["contact"], "Božena Šťastná");
    assert_eq!(page["related"]["account"], "Pekárna Šťastný s.r.o.");
    assert!(page["related"]["case"].as_str().unwrap().starts_with("CAS-"));
    let kinds: Vec<&str> =
        page["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in ["message", "note", "interaction", "case_change"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let last = page["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["body"].as_str()),
        (Some("note"), Some("Prefers email.")),
        "the newest entry"
    );

    let page = timeline_page(&server, &cookie, id, "record=case").await;
    assert_eq!(page["record"], "case");
    let bodies: Vec<&str> =
        page["entries"].as_array().unwrap().iter().map(|e| e["body"].as_str().unwrap()).collect();
    let changed_status = format!("status: {} → resolved", case["status"].as_str().unwrap());
    assert!(bodies.contains(&changed_status.as_str()), "{bodies:?}");
    assert!(bodies.contains(&"Refund approved.") && !bodies.contains(&"Prefers email."), "{bodies:?}");
    let account = timeline_page(&server, &cookie, id, "record=account").await;
    let bodies: Vec<&str> =
        account["entries"].as_array().unwrap().iter().map(|e| e["body"].as_str().unwrap()).collect();
    assert!(bodies.contains(&"Bakery opens at 6."));

    // Paged three at a time, the timeline is the same as read at once: every kind, none twice, none missing.
    for record in ["contact", "case", "account"] {
        let at_once = whole_timeline(&server, &cookie, id, &format!("record={record}&limit=200")).await;
        let paged = whole_timeline(&server, &cookie, id, &format!("record={record}&limit=3")).await;
        assert_eq!(paged, at_once, "{record}");
        let order: Vec<(i64, i64)> = paged.iter().map(|(_, at, key)| (*at, *key)).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{record}: strictly ordered by (at, key)");
    }
    let contact_kinds = whole_timeline(&server, &cookie, id, "limit=200").await;
    let interactions = contact_kinds.iter().filter(|(kind, _, _)| kind == "interaction").count();
    assert_eq!(interactions, 15, "fourteen past interactions and this one");

    // An unknown visitor's chat has no related record: its own messages only, and no notes.
    let visitor = tasks.as_array().unwrap().iter().find(|t| t["customer_name"].is_null()).unwrap()["id"]
        .as_i64()
        .unwrap();
    let page = timeline_page(&server, &cookie, visitor, "").await;
    assert!(page["record"].is_null());
    assert!(
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] == "message" && e["conversation_id"] == visitor)
    );
    let refused = server
        .request(
            "POST",
            &format!("/api/conversations/{visitor}/notes"),
            Some(&cookie),
            Some(json!({"record": "contact", "body": "x"})),
        )
        .await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("record"))
    );
    let refused = server
        .request("GET", &format!("/api/conversations/{visitor}/timeline?record=account"), Some(&cookie), None)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_history_tab_pages_through_every_channel_and_opens_a_transcript_with_its_details() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("supervisor").await; // in every queue: sees the whole history
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contacts WHERE last_name = 'Šťastná'")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let first = get(&server, &cookie, &format!("/api/contacts/{contact}/history")).await;
    let items = first["items"].as_array().unwrap();
    assert_eq!((items.len(), first["has_next"].as_bool()), (10, Some(true)));
    let starts: Vec<i64> = items.iter().map(|i| i["started_at"].as_i64().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let second = get(&server, &cookie, &format!("/api/contacts/{contact}/history?page=1")).await;
    assert_eq!((second["items"].as_array().unwrap().len(), second["has_next"].as_bool()), (5, Some(false)));
    let all: Vec<Value> = items.iter().chain(second["items"].as_array().unwrap()).cloned().collect();
    let channels: std::collections::HashSet<&str> =
        all.iter().map(|i| i["channel"].as_str().unwrap()).collect();
    assert_eq!(channels.len(), 3, "chat, email and voice");
    assert!(all.iter().any(|i| i["direction"] == "outbound"), "the campaign call");
    assert!(all.iter().any(|i| !i["survey"].as_array().unwrap().is_empty()), "a chat with its survey");
    assert!(all.iter().all(|i| i["preview"].as_str().is_some_and(|p| p.chars().count() <= 140)));

    let vip = tag_id(&server, "VIP").await;
    let tagged = get(&server, &cookie, &format!("/api/contacts/{contact}/history?tag={vip}")).await;
    let tagged = tagged["items"].as_array().unwrap();
    assert_eq!(tagged.len(), 4, "three past interactions and the live one");
    assert!(tagged.iter().all(|i| tag_names(&i["tags"]).contains(&"VIP".to_owned())));

    let email =
        all.iter().find(|i| i["channel"] == "email" && i["subject"].is_string()).unwrap()["conversation_id"]
            .clone();
    let emails: Vec<i64> = all
        .iter()
        .filter(|i| i["channel"] == "email")
        .map(|i| i["conversation_id"].as_i64().unwrap())
        .collect();
    let mut with_copies = None;
    for conversation in &emails {
        let t = get(&server, &cookie, &format!("/api/contacts/{contact}/history/{conversation}")).await;
        assert_eq!(t["details"]["email"]["from"], "bozena.stastna@seznam.cz");
        if !t["details"]["email"]["cc"].as_array().unwrap().is_empty() {
            with_copies = Some(t);
        }
    }
    let t = with_copies.expect("an email with copies");
    assert_eq!(t["details"]["email"]["cc"], json!(["petr.stastny@seznam.cz", "ucetni@pekarna-stastny.cz"]));
    assert!(!t["messages"].as_array().unwrap().is_empty());
    assert!(!t["suggestions"].as_array().unwrap().is_empty());
    assert!(t["attached_data"].as_array().is_some_and(|d| d.iter().any(|kv| kv["key"] == "Account number")));
    assert!(email.is_i64());

    let campaign = all.iter().find(|i| i["direction"] == "outbound").unwrap()["conversation_id"].clone();
    let t = get(&server, &cookie, &format!("/api/contacts/{contact}/history/{campaign}")).await;
    assert!(t["attached_data"].is_null(), "no attached data for a campaign");
    let noted: i64 =
        sqlx::query_scalar("SELECT id FROM conversations WHERE contact_id = $1 AND operator_note <> ''")
            .bind(contact)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    let t = get(&server, &cookie, &format!("/api/contacts/{contact}/history/{noted}")).await;
    assert_eq!(t["notes"][0]["id"], 0, "the operator note first");
    assert_eq!(t["notes"].as_array().unwrap().len(), 2);

    let foreign: i64 =
        sqlx::query_scalar("SELECT id FROM conversations WHERE contact_id IS DISTINCT FROM $1 LIMIT 1")
            .bind(contact)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    let answer = server
        .request("GET", &format!("/api/contacts/{contact}/history/{foreign}"), Some(&cookie), None)
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_session_pane_keeps_presets_operator_note_and_custom_data_under_versions() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent2").await;
    let id = first_task(&server, &cookie).await;
    let path = format!("/api/conversations/{id}/session");
    let session = get(&server, &cookie, &path).await;
    let presets: Vec<&str> = session["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["preset"] == true)
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert_eq!(presets, vec!["channel", "queue", "language", "customer_name"]);
    assert_eq!(session["attached_data"][0]["key"], "Account number");
    assert_eq!(session["custom_data_version"], 1);
    assert_eq!(
        get(&server, &cookie, &path).await["parameters"],
        session["parameters"],
        "presets written once"
    );

    let custom = format!("/api/conversations/{id}/custom-data");
    let edit = json!({"version": 1, "values": [{"key": "Plan", "value": "Gold"}]});
    let saved =
        expect(server.request("PUT", &custom, Some(&cookie), Some(edit.clone())).await, StatusCode::OK);
    assert_eq!(saved["custom_data"][0], json!({"key": "Plan", "value": "Gold"}));
    assert_eq!(saved["custom_data_version"], 2);
    let stale = server.request("PUT", &custom, Some(&cookie), Some(edit)).await;
    assert_eq!((stale.status, stale.json["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    let unknown = json!({"version": 2, "values": [{"key": "Colour", "value": "red"}]});
    let unknown = server.request("PUT", &custom, Some(&cookie), Some(unknown)).await;
    assert_eq!(unknown.json["field"], "custom_data.Colour");

    let note = format!("/api/conversations/{id}/operator-note");
    let saved = server
        .request("PUT", &note, Some(&cookie), Some(json!({"version": 1, "body": "Call back after 4 pm."})))
        .await;
    let saved = expect(saved, StatusCode::OK);
    assert_eq!((saved["by"].as_str(), saved["version"].as_i64()), (Some("Petr Svoboda"), Some(2)));
    let stale =
        server.request("PUT", &note, Some(&cookie), Some(json!({"version": 1, "body": "Other"}))).await;
    assert_eq!(stale.json["conflict"]["current"]["operator_note"]["body"], "Call back after 4 pm.");
    let unversioned =
        server.request("PUT", &note, Some(&cookie), Some(json!({"version": null, "body": "x"}))).await;
    assert_eq!(unversioned.json["field"], "version");
    let trail: Vec<String> = sqlx::query_scalar(
        "SELECT field FROM audit_log WHERE record = 'conversation' AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&server.pool)
    .await
    .unwrap();
    assert_eq!(trail, vec!["custom_data:Plan", "operator_note"]);
}

#[tokio::test]
async fn details_keep_one_default_per_kind_and_a_removed_contact_leaves_its_conversations() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let contact =
        create_contact(&server, &cookie, "Petra", "Veselá", json!({"phone": "+420 601 000 001"})).await;
    let id = contact["id"].as_i64().unwrap();
    let contact = add_detail(&server, &cookie, &contact, "phone", "work", "+420 601 000 002").await;
    assert_eq!(
        contact["phones"][0]["value"], "+420 601 000 001",
        "a second phone is not the default unless asked"
    );
    let body = json!({"version": contact["version"], "kind": "phone", "label": "home", "value": "+420 601 000 003", "make_default": true});
    let contact = expect(
        server.request("POST", &format!("/api/contacts/{id}/details"), Some(&cookie), Some(body)).await,
        StatusCode::OK,
    );
    let defaults: Vec<&str> = contact["phones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["is_default"] == true)
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    assert_eq!(defaults, vec!["+420 601 000 003"]);
    let default_id = contact["phones"][0]["id"].clone();
    let removed = server
        .request(
            "DELETE",
            &format!("/api/contacts/{id}/details/{default_id}?version={}", contact["version"]),
            Some(&cookie),
            None,
        )
        .await;
    let contact = expect(removed, StatusCode::OK);
    assert_eq!(
        (contact["phones"][0]["value"].as_str(), contact["phones"][0]["is_default"].as_bool()),
        (Some("+420 601 000 001"), Some(true)),
        "the oldest takes over"
    );
    let contact = add_detail(&server, &cookie, &contact, "identifier", "Card", "77").await;
    let identifier = contact["identifiers"][0]["id"].clone();
    let refused = server
        .request(
            "PUT",
            &format!("/api/contacts/{id}/details/{identifier}/default"),
            Some(&cookie),
            Some(json!({"version": contact["version"]})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let work = contact["phones"][1]["id"].clone();
    let contact = expect(
        server
            .request(
                "PUT",
                &format!("/api/contacts/{id}/details/{work}/default"),
                Some(&cookie),
                Some(json!({"version": contact["version"]})),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(contact["phones"][0]["id"], work);
    let unversioned =
        server.request("DELETE", &format!("/api/contacts/{id}/details/{work}"), Some(&cookie), None).await;
    assert_eq!(unversioned.json["field"], "version");

    // Remove from directory: the conversation and its messages stay, without the contact.
    let conversation = first_task(&server, &cookie).await;
    expect(set_contact(&server, &cookie, conversation, Some(id)).await, StatusCode::OK);
    let unversioned = server.request("DELETE", &format!("/api/contacts/{id}"), Some(&cookie), None).await;
    assert_eq!(unversioned.status, StatusCode::UNPROCESSABLE_ENTITY);
    let removed = server
        .request("DELETE", &format!("/api/contacts/{id}?version={}", contact["version"]), Some(&cookie), None)
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(
        server.request("GET", &format!("/api/contacts/{id}"), Some(&cookie), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(contact_of(&server, conversation).await, None);
    assert_eq!(message_contacts(&server, conversation).await, vec![None]);
    assert!(
        !get(&server, &cookie, &format!("/api/conversations/{conversation}/timeline")).await["entries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let trail: Vec<String> = sqlx::query_scalar(
        "SELECT field FROM audit_log WHERE record = 'contact' AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&server.pool)
    .await
    .unwrap();
    assert_eq!(trail.first().map(String::as_str), Some("created"));
    assert_eq!(trail.last().map(String::as_str), Some("deleted"), "the trail outlives the contact");

    // Add account from the card: the conversation's contact joins it; without a contact it cannot.
    let account = json!({"version": null, "name": "Veselá Design", "city": "Brno", "country": "Česko", "phone": "",
                         "link_conversation": conversation});
    let refused = server.request("POST", "/api/accounts", Some(&cookie), Some(account.clone())).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let other = create_contact(&server, &cookie, "Ota", "Veselý", json!({})).await;
    expect(set_contact(&server, &cookie, conversation, other["id"].as_i64()).await, StatusCode::OK);
    let created = expect(
        server.request("POST", "/api/accounts", Some(&cookie), Some(account)).await,
        StatusCode::CREATED,
    );
    assert_eq!(created["phones"], json!([]), "a blank phone is none");
    let joined = get(&server, &cookie, &format!("/api/contacts/{}", other["id"])).await;
    assert_eq!((joined["account_id"].clone(), joined["version"].as_i64()), (created["id"].clone(), Some(2)));
    let card = get(&server, &cookie, &format!("/api/conversations/{conversation}/customer")).await;
    assert_eq!(card["account"]["name"], "Veselá Design");
    let path = format!("/api/accounts/{}", created["id"]);
    let with_phone = json!({"version": 1, "name": "Veselá Design s.r.o.", "city": "Brno", "country": "Česko", "phone": "+420 545 000 000"});
    let refused = server.request("PUT", &path, Some(&cookie), Some(with_phone)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "an edit changes phones as details");
    assert_eq!(refused.json["field"], "phone");
    let edit = json!({"version": 1, "name": "Veselá Design s.r.o.", "city": "Brno", "country": "Česko"});
    let edited =
        expect(server.request("PUT", &path, Some(&cookie), Some(edit.clone())).await, StatusCode::OK);
    assert_eq!(edited["version"], 2);
    assert_eq!(
        server.request("PUT", &path, Some(&cookie), Some(edit)).await.json["conflict"]["current"]["account"]
            ["version"],
        2
    );
    assert_eq!(
        found(&server, &cookie, "vesela design").await,
        Vec::<i64>::new(),
        "accounts are not contacts"
    );
    let page = get(&server, &cookie, "/api/directory?q=vesela%20design").await;
    assert_eq!(page["entries"][0]["kind"], "account");
    let audit = get(&server, &cookie, &format!("{path}/audit")).await;
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "name" && e["new_value"] == "Veselá Design s.r.o."),
        "{audit}"
    );
    assert_eq!(
        server.request("DELETE", &format!("{path}?version=2"), Some(&cookie), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(get(&server, &cookie, &format!("/api/contacts/{}", other["id"])).await["account_id"].is_null());
}

#[tokio::test]
async fn history_shows_only_interactions_the_agent_may_see() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent3").await;
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contacts WHERE last_name = 'Šťastná'")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let before = history_ids(&server, &cookie, contact).await;
    // One past interaction moves to a queue agent3 is not in and never worked on.
    let (hidden, queue): (i64, i64) = sqlx::query_as(
        "SELECT c.id, q.id FROM conversations c, queues q
         WHERE c.contact_id = $1 AND c.status = 'ended'
           AND EXISTS (SELECT 1 FROM queue_members m JOIN users u ON u.id = m.user_id
                       WHERE m.queue_id = c.queue_id AND u.username = 'agent3')
           AND NOT EXISTS (SELECT 1 FROM queue_members m JOIN users u ON u.id = m.user_id
                           WHERE m.queue_id = q.id AND u.username = 'agent3')
           AND NOT EXISTS (SELECT 1 FROM activities a JOIN users u ON u.id = a.agent_id
                           WHERE a.conversation_id = c.id AND u.username = 'agent3')
         LIMIT 1",
    )
    .bind(contact)
    .fetch_one(&server.pool)
    .await
    .expect("an interaction and a queue outside agent3's work");
    sqlx::query("UPDATE conversations SET queue_id = $1 WHERE id = $2")
        .bind(queue)
        .bind(hidden)
        .execute(&server.pool)
        .await
        .unwrap();
    let after = history_ids(&server, &cookie, contact).await;
    assert!(before.contains(&hidden));
    assert!(!after.contains(&hidden));
    assert_eq!(after.len(), before.len() - 1);
    let answer = server
        .request("GET", &format!("/api/contacts/{contact}/history/{hidden}"), Some(&cookie), None)
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_conversations_changes_are_on_its_audit_trail_with_who_made_them() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent2").await;
    let id = first_task(&server, &cookie).await;
    let tag = json!({"name": "Expresní doručení", "source": "typed"});
    expect(
        server.request("POST", &format!("/api/conversations/{id}/tags"), Some(&cookie), Some(tag)).await,
        StatusCode::OK,
    );
    let session = get(&server, &cookie, &format!("/api/conversations/{id}/session")).await;
    let note = json!({"version": session["operator_note"]["version"], "body": "Volat až po 16:00"});
    let path = format!("/api/conversations/{id}/operator-note");
    expect(server.request("PUT", &path, Some(&cookie), Some(note)).await, StatusCode::OK);

    let audit = get(&server, &cookie, &format!("/api/conversations/{id}/audit")).await;
    let entries = audit.as_array().unwrap();
    let by_field = |field: &str| entries.iter().find(|e| e["field"] == field).cloned();
    let tag = by_field("tag").expect("the tag is audited");
    assert_eq!(
        (tag["new_value"].as_str(), tag["by"].as_str()),
        (Some("Expresní doručení"), Some("Petr Svoboda"))
    );
    let note = by_field("operator_note").expect("the operator note is audited");
    assert_eq!(note["new_value"], "Volat až po 16:00");
    // Someone outside the conversation's queues learns nothing about it.
    let stranger = server.sign_in("agent4").await;
    let answer =
        server.request("GET", &format!("/api/conversations/{id}/audit"), Some(&stranger), None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

/// The ids of the accounts a directory search finds (first page).
async fn found_accounts(server: &TestServer, cookie: &str, q: &str) -> Vec<i64> {
    let page = get(server, cookie, &format!("/api/directory?q={}", urlencode(q))).await;
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "account")
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn accounts_have_several_phones_emails_identifiers_and_addresses_like_contacts() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let body = json!({"version": null, "name": "Zahradnictví Kvítek", "city": "Brno", "country": "Česko",
                      "phone": "+420 541 000 111"});
    let account =
        expect(server.request("POST", "/api/accounts", Some(&cookie), Some(body)).await, StatusCode::CREATED);
    let id = account["id"].as_i64().unwrap();
    assert_eq!(account["phones"][0]["value"], "+420 541 000 111");
    assert_eq!(account["phones"][0]["is_default"], true, "the first phone is the default");

    let details = format!("/api/accounts/{id}/details");
    let add = |account: &Value, kind: &str, label: &str, value: &str, make_default: bool| json!({"version": account["version"], "kind": kind, "label": label, "value": value, "make_default": make_default});
    let account = expect(
        server
            .request(
                "POST",
                &details,
                Some(&cookie),
                Some(add(&account, "phone", "sales", "+420 541 000 222", true)),
            )
            .await,
        StatusCode::OK,
    );
    let defaults: Vec<_> =
        account["phones"].as_array().unwrap().iter().filter(|p| p["is_default"] == true).collect();
    assert_eq!(defaults.len(), 1, "one default phone: {}", account["phones"]);
    assert_eq!(defaults[0]["value"], "+420 541 000 222");
    let account = expect(
        server
            .request(
                "POST",
                &details,
                Some(&cookie),
                Some(add(&account, "email", "orders", "objednavky@kvitek.cz", false)),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(account["emails"][0]["is_default"], true, "the first email is the default");
    let account = expect(
        server
            .request(
                "POST",
                &details,
                Some(&cookie),
                Some(add(&account, "identifier", "VAT number", "CZ11223344", false)),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(account["identifiers"][0]["label"], "VAT number");

    // The directory finds the account by its second phone in another spacing, its email and identifier.
    assert_eq!(found_accounts(&server, &cookie, "541000222").await, vec![id]);
    assert_eq!(found_accounts(&server, &cookie, "OBJEDNAVKY@kvitek").await, vec![id]);
    assert_eq!(found_accounts(&server, &cookie, "cz11223344").await, vec![id]);

    // Mark as default moves the default back; a stale version is refused with the record now.
    let old_phone = account["phones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["value"] == "+420 541 000 111")
        .unwrap()["id"]
        .clone();
    let stale = account["version"].as_i64().unwrap();
    let account = expect(
        server
            .request(
                "PUT",
                &format!("{details}/{old_phone}/default"),
                Some(&cookie),
                Some(json!({"version": stale})),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(account["phones"][0]["value"], "+420 541 000 111");
    let conflict = expect(
        server
            .request(
                "POST",
                &details,
                Some(&cookie),
                Some(json!({"version": stale, "kind": "phone", "label": "", "value": "+420 541 000 333"})),
            )
            .await,
        StatusCode::CONFLICT,
    );
    assert_eq!(conflict["conflict"]["current"]["account"]["version"], account["version"], "{conflict}");

    // Addresses: added, edited, refused when invalid, removed; each change audited on the account.
    let addresses = format!("/api/accounts/{id}/addresses");
    let address = |account: &Value, street: &str| {
        json!({"version": account["version"], "label": "warehouse", "street": street, "city": "Brno",
               "postcode": "602 00", "country": "Česko"})
    };
    let account = expect(
        server.request("POST", &addresses, Some(&cookie), Some(address(&account, "Křenová 12"))).await,
        StatusCode::OK,
    );
    let address_id = account["addresses"][0]["id"].as_i64().unwrap();
    let account = expect(
        server
            .request(
                "PUT",
                &format!("{addresses}/{address_id}"),
                Some(&cookie),
                Some(address(&account, "Křenová 14")),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(account["addresses"][0]["street"], "Křenová 14");
    let refused = server
        .request("PUT", &format!("{addresses}/{address_id}"), Some(&cookie), Some(address(&account, "  ")))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json["field"], "street", "{}", refused.json);
    let audit = get(&server, &cookie, &format!("/api/accounts/{id}/audit")).await;
    let fields: Vec<&str> = audit.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"address:warehouse") && fields.contains(&"default phone"), "{fields:?}");
    let path = format!("{addresses}/{address_id}?version={}", account["version"]);
    let account = expect(server.request("DELETE", &path, Some(&cookie), None).await, StatusCode::OK);
    assert_eq!(account["addresses"], json!([]));

    // A contact's address is edited the same way, and another record's detail is not found through it.
    let contact = create_contact(&server, &cookie, "Květa", "Kvítková", json!({})).await;
    let contact_addresses = format!("/api/contacts/{}/addresses", contact["id"]);
    let contact = expect(
        server.request("POST", &contact_addresses, Some(&cookie), Some(address(&contact, "Lidická 3"))).await,
        StatusCode::OK,
    );
    assert_eq!(contact["addresses"][0]["street"], "Lidická 3");
    let foreign = server
        .request(
            "PUT",
            &format!("/api/contacts/{}/details/{old_phone}/default", contact["id"]),
            Some(&cookie),
            Some(json!({"version": contact["version"]})),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.json);
}
