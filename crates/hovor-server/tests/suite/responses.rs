//! The standard responses library: ranking quality on the labelled set, Find and `#`, favourites,
//! Select category, placeholders, and the administration with its validation and audit.

use crate::common;

use std::collections::HashSet;

use axum::http::StatusCode;
use common::TestServer;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Labelled {
    language: String,
    categories: Vec<String>,
    subject: Option<String>,
    message: String,
    expected: String,
}

/// The share of the labelled set whose expected response must be among the top three.
const TOP3_BAR: f64 = 0.90;

#[tokio::test]
async fn the_expected_response_is_in_the_top_three_for_nine_in_ten_labelled_messages() {
    let server = TestServer::new().await;
    let set: Vec<Labelled> =
        serde_json::from_str(include_str!("../data/suggestions-labelled.json")).expect("labelled set");
    assert!(set.len() >= 40, "at least 40 labelled messages");
    let languages: HashSet<&str> = set.iter().map(|l| l.language.as_str()).collect();
    assert_eq!(languages.len(), 4, "all four languages");

    let library = server.state.responses.current(&server.pool).await.unwrap();
    let mut hits = 0;
    let mut misses = Vec::new();
    for l in &set {
        let mut roots = Vec::new();
        for key in &l.categories {
            let id: i64 = sqlx::query_scalar("SELECT id FROM response_categories WHERE key = $1")
                .bind(key)
                .fetch_one(&server.pool)
                .await
                .unwrap_or_else(|_| panic!("category {key}"));
            roots.push(id);
        }
        let categories = library.with_subcategories(&roots);
        let text = [l.subject.as_deref(), Some(l.message.as_str())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n");
        let top: Vec<String> = library
            .suggest(&l.language, &categories, &text, 3, None)
            .into_iter()
            .map(|hit| library.shown(hit, &HashSet::new()).title)
            .collect();
        let hovor_server::db::Flag(exists) =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM responses WHERE language = $1 AND title = $2)")
                .bind(&l.language)
                .bind(&l.expected)
                .fetch_one(&server.pool)
                .await
                .unwrap();
        assert!(exists, "{} has no response titled {:?}", l.language, l.expected);
        if top.contains(&l.expected) {
            hits += 1;
        } else {
            let all: Vec<String> = library
                .suggest(&l.language, &categories, &text, 200, None)
                .into_iter()
                .map(|hit| library.shown(hit, &HashSet::new()).title)
                .collect();
            let rank = all.iter().position(|t| *t == l.expected).map_or(0, |p| p + 1);
            misses.push(format!(
                "{}: {:?} expected {:?} (ranked {rank}), got {top:?}",
                l.language, l.message, l.expected
            ));
        }
    }
    let share = hits as f64 / set.len() as f64;
    println!("top-3 hits: {hits} of {} ({:.1} %)", set.len(), share * 100.0);
    assert!(share >= TOP3_BAR, "{hits} of {} in the top 3; misses:\n{}", set.len(), misses.join("\n"));
}

async fn search(server: &TestServer, cookie: &str, q: &str) -> Vec<Value> {
    let path = format!("/api/responses?language=en&q={}", urlencode(q));
    let answer = server.request("GET", &path, Some(cookie), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    answer.json.as_array().unwrap().clone()
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn titles(list: &[Value]) -> Vec<&str> {
    list.iter().map(|r| r["title"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn find_is_ranked_diacritics_insensitive_and_hash_puts_favourites_first() {
    let server = TestServer::new().await;
    let agent = server.sign_in("agent1").await;

    // A shortcut typed after # puts its response first.
    let hello = search(&server, &agent, "#hello").await;
    assert_eq!(hello[0]["shortcut"], "hello");

    // Words find responses by title and body; the word being typed matches by its beginning.
    let refund = search(&server, &agent, "refund").await;
    assert!(!refund.is_empty());
    assert!(refund.iter().all(|r| r["language"] == "en"));
    let typed = search(&server, &agent, "refu").await;
    assert_eq!(titles(&typed)[0], titles(&refund)[0]);

    // Czech without diacritics finds the Czech response with them.
    let cz = server.request("GET", "/api/responses?language=cs&q=vraceni%20penez", Some(&agent), None).await;
    assert!(cz.json[0]["body"].as_str().unwrap().to_lowercase().contains("vr"), "{}", cz.json[0]);

    // Favourites that match come first, then the rest, each group ranked.
    let last = refund.last().unwrap()["id"].as_i64().unwrap();
    let answer = server.request("PUT", &format!("/api/responses/{last}/favourite"), Some(&agent), None).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let again = search(&server, &agent, "refund").await;
    assert_eq!(again[0]["id"], last);
    assert_eq!(again[0]["favourite"], true);
    assert!(again[1..].iter().all(|r| r["favourite"] == false));
    assert_eq!(titles(&again[1..]), titles(&refund[..refund.len() - 1]));

    // A blank # lists favourites first.
    assert_eq!(search(&server, &agent, "#").await[0]["id"], last);

    // The Resources pane asks for the favourites in its conversation's language only.
    let czech = conversation(&server, "cs").await;
    let listed = server
        .request("GET", &format!("/api/responses/favourites?conversation={czech}"), Some(&agent), None)
        .await;
    assert_eq!(listed.json, json!([]), "the English favourite is not offered in a Czech conversation");
    let english = conversation(&server, "en").await;
    let listed = server
        .request("GET", &format!("/api/responses/favourites?conversation={english}"), Some(&agent), None)
        .await;
    assert_eq!(listed.json[0]["id"], last);

    // Another agent's favourites are their own.
    let other = server.sign_in("agent2").await;
    assert_eq!(search(&server, &other, "refund").await[0]["favourite"], false);

    let long = "x".repeat(101);
    let too_long = server.request("GET", &format!("/api/responses?q={long}"), Some(&agent), None).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_long.json["field"], "q");
}

#[tokio::test]
async fn favourites_are_per_agent_idempotent_and_only_a_favourite_can_be_removed() {
    let server = TestServer::new().await;
    let agent = server.sign_in("agent1").await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM responses ORDER BY id LIMIT 3")
        .fetch_all(&server.pool)
        .await
        .unwrap();
    for id in [ids[0], ids[1], ids[0]] {
        let answer =
            server.request("PUT", &format!("/api/responses/{id}/favourite"), Some(&agent), None).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT);
    }
    let list = server.request("GET", "/api/responses/favourites", Some(&agent), None).await;
    let listed: Vec<i64> = list.json.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(listed, vec![ids[1], ids[0]], "most recently added first, each once");

    let not_favourite =
        server.request("DELETE", &format!("/api/responses/{}/favourite", ids[2]), Some(&agent), None).await;
    assert_eq!(not_favourite.status, StatusCode::NOT_FOUND);
    let other = server.sign_in("agent2").await;
    let theirs =
        server.request("DELETE", &format!("/api/responses/{}/favourite", ids[0]), Some(&other), None).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "agent2 cannot remove agent1's favourite");
    let removed =
        server.request("DELETE", &format!("/api/responses/{}/favourite", ids[0]), Some(&agent), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let unknown = server.request("PUT", "/api/responses/999999/favourite", Some(&agent), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // At most FAVOURITES_MAX per agent.
    let many: Vec<i64> = sqlx::query_scalar("SELECT id FROM responses ORDER BY id LIMIT 101")
        .fetch_all(&server.pool)
        .await
        .unwrap();
    for id in &many[..100] {
        let answer =
            server.request("PUT", &format!("/api/responses/{id}/favourite"), Some(&agent), None).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT);
    }
    let over =
        server.request("PUT", &format!("/api/responses/{}/favourite", many[100]), Some(&agent), None).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(over.json["field"], "favourites");
}

/// An active conversation of agent1 in their first queue, with no categories of its own.
async fn conversation(server: &TestServer, language: &str) -> i64 {
    let agent = server.user_id("agent1").await;
    let queue: i64 =
        sqlx::query_scalar("SELECT queue_id FROM queue_members WHERE user_id = $1 ORDER BY queue_id LIMIT 1")
            .bind(agent)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, agent_id, status, language, queued_at, started_at)
         VALUES ($1, 'chat', $2, 'active', $3, 0, 1000) RETURNING id",
    )
    .bind(queue)
    .bind(agent)
    .bind(language)
    .fetch_one(&server.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn select_category_adds_it_and_its_subcategories_to_the_suggestions() {
    let server = TestServer::new().await;
    let admin = server.sign_in("admin").await;
    let agent = server.sign_in("agent1").await;
    let id = conversation(&server, "en").await;
    let path = format!("/api/conversations/{id}/suggestions");
    assert_eq!(server.request("GET", &path, Some(&agent), None).await.json, json!([]));

    let parent = server
        .request("POST", "/api/admin/response-categories", Some(&admin), Some(json!({"name": "Shipping"})))
        .await;
    assert_eq!(parent.status, StatusCode::CREATED);
    let parent = parent.json["id"].as_i64().unwrap();
    let child = server
        .request(
            "POST",
            "/api/admin/response-categories",
            Some(&admin),
            Some(json!({"name": "Returns", "parent_id": parent})),
        )
        .await;
    let child = child.json["id"].as_i64().unwrap();
    let created = server
        .request(
            "POST",
            "/api/admin/responses",
            Some(&admin),
            Some(json!({"category_id": child, "language": "en", "title": "Return label", "body": "Here is your return label.", "shortcut": "#Label"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["shortcut"], "label");

    let select = server
        .request(
            "POST",
            &format!("/api/conversations/{id}/categories"),
            Some(&agent),
            Some(json!({"category_id": parent})),
        )
        .await;
    assert_eq!(select.status, StatusCode::NO_CONTENT);
    let suggested = server.request("GET", &path, Some(&agent), None).await;
    assert_eq!(
        titles(suggested.json.as_array().unwrap()),
        vec!["Return label"],
        "the subcategory's response"
    );

    let unknown = server
        .request(
            "POST",
            &format!("/api/conversations/{id}/categories"),
            Some(&agent),
            Some(json!({"category_id": 999999})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Someone outside the conversation's queue cannot change it.
    let outsider: String = sqlx::query_scalar(
        "SELECT u.username FROM users u WHERE u.role = 'agent' AND NOT EXISTS (SELECT 1 FROM queue_members m
           JOIN conversations c ON c.queue_id = m.queue_id WHERE c.id = $1 AND m.user_id = u.id) LIMIT 1",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let outsider = server.sign_in(&outsider).await;
    let refused = server
        .request(
            "POST",
            &format!("/api/conversations/{id}/categories"),
            Some(&outsider),
            Some(json!({"category_id": parent})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let removed = server
        .request("DELETE", &format!("/api/conversations/{id}/categories/{parent}"), Some(&agent), None)
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(server.request("GET", &path, Some(&agent), None).await.json, json!([]));
}

#[tokio::test]
async fn placeholders_take_the_conversations_values_and_unfilled_text_is_never_sent() {
    let server = TestServer::new().await;
    let agent = server.sign_in("agent1").await;
    let id = conversation(&server, "en").await;
    let contact: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (first_name, last_name, language) VALUES ('Jana', 'Nováková', 'cs') RETURNING id",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE conversations SET contact_id = $1 WHERE id = $2")
        .bind(contact)
        .bind(id)
        .execute(&server.pool)
        .await
        .unwrap();

    let values =
        server.request("GET", &format!("/api/conversations/{id}/placeholders"), Some(&agent), None).await;
    assert_eq!(values.status, StatusCode::OK);
    assert_eq!(values.json["contact.first_name"], "Jana");
    assert_eq!(values.json["contact.name"], "Jana Nováková");
    assert!(values.json["agent.name"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(values.json.get("case.number").is_none(), "no case linked: no value, {}", values.json);

    let send = |body: &'static str| {
        let server = &server;
        let agent = agent.clone();
        async move {
            server
                .request_with(
                    "POST",
                    &format!("/api/conversations/{id}/messages"),
                    Some(&agent),
                    Some(json!({"body": body})),
                    &[("Idempotency-Key", body)],
                )
                .await
        }
    };
    let refused = send("Your case {{case.number}} is open.").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json["field"], "body");
    assert!(refused.json["message"].as_str().unwrap().contains("placeholder"));
    let sent = send("Hello Jana, your case is open.").await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);
}

#[tokio::test]
async fn administrators_manage_the_library_with_validation_versions_and_audit() {
    let server = TestServer::new().await;
    let admin = server.sign_in("admin").await;
    let agent = server.sign_in("agent1").await;

    let forbidden = server
        .request("POST", "/api/admin/response-categories", Some(&agent), Some(json!({"name": "X"})))
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let blank = server
        .request("POST", "/api/admin/response-categories", Some(&admin), Some(json!({"name": "  "})))
        .await;
    assert_eq!(
        (blank.status, blank.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
    );
    assert_eq!(blank.json["rule"], json!({"kind": "required"}));
    let long = "x".repeat(hovor_types::response::CATEGORY_NAME_MAX + 1);
    let long = server
        .request("POST", "/api/admin/response-categories", Some(&admin), Some(json!({"name": long})))
        .await;
    assert_eq!(
        long.json["rule"],
        json!({"kind": "too_long", "max": hovor_types::response::CATEGORY_NAME_MAX})
    );
    let top = server
        .request("POST", "/api/admin/response-categories", Some(&admin), Some(json!({"name": "Sales"})))
        .await;
    let top = top.json["id"].as_i64().unwrap();
    let under = server
        .request(
            "POST",
            "/api/admin/response-categories",
            Some(&admin),
            Some(json!({"name": "Offers", "parent_id": top})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let cycle = server
        .request(
            "PUT",
            &format!("/api/admin/response-categories/{top}"),
            Some(&admin),
            Some(json!({"name": "Sales", "parent_id": under})),
        )
        .await;
    assert_eq!(
        (cycle.status, cycle.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("parent_id"))
    );

    let fields = json!({"category_id": under, "language": "cs", "title": "Sleva", "body": "Dobrý den {{contact.first_name}}, posíláme slevu.", "shortcut": "sleva"});
    let created = server.request("POST", "/api/admin/responses", Some(&admin), Some(fields.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let rid = created.json["id"].as_i64().unwrap();

    // The same shortcut in the same language is taken; in another language it is free.
    let taken = server.request("POST", "/api/admin/responses", Some(&admin), Some(fields.clone())).await;
    assert_eq!(
        (taken.status, taken.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("shortcut"))
    );
    assert!(taken.json["message"].as_str().unwrap().contains("already used"));
    assert_eq!(taken.json["rule"], json!({"kind": "taken"}), "the rule, for the app to say in any language");
    let mut english = fields.clone();
    english["language"] = json!("en");
    english["title"] = json!("Discount");
    assert_eq!(
        server.request("POST", "/api/admin/responses", Some(&admin), Some(english)).await.status,
        StatusCode::CREATED
    );
    let mut unknown = fields.clone();
    unknown["body"] = json!("Hi {{contact.frist_name}}");
    let unknown = server.request("POST", "/api/admin/responses", Some(&admin), Some(unknown)).await;
    assert_eq!(
        (unknown.status, unknown.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("body"))
    );

    // It is found at once: the index follows the library.
    let found = server.request("GET", "/api/responses?language=cs&q=%23sleva", Some(&agent), None).await;
    assert_eq!(found.json[0]["id"], rid);

    let mut edit = fields.clone();
    edit["title"] = json!("Sleva 10 %");
    edit["version"] = json!(1);
    let saved =
        server.request("PUT", &format!("/api/admin/responses/{rid}"), Some(&admin), Some(edit.clone())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    assert_eq!(saved.json["version"], 2);
    let stale = server.request("PUT", &format!("/api/admin/responses/{rid}"), Some(&admin), Some(edit)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.json["conflict"]["current"]["response"]["title"], "Sleva 10 %");

    // Offers moves from Sales to the Sales inside Service.
    let service = server
        .request("POST", "/api/admin/response-categories", Some(&admin), Some(json!({"name": "Service"})))
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let sales_in_service = server
        .request(
            "POST",
            "/api/admin/response-categories",
            Some(&admin),
            Some(json!({"name": "Sales", "parent_id": service})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let moved = server
        .request(
            "PUT",
            &format!("/api/admin/response-categories/{under}"),
            Some(&admin),
            Some(json!({"name": "Offers", "parent_id": sales_in_service})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);

    let not_empty = server
        .request("DELETE", &format!("/api/admin/response-categories/{under}"), Some(&admin), None)
        .await;
    assert_eq!(not_empty.status, StatusCode::CONFLICT);
    let listed =
        server.request("GET", &format!("/api/admin/responses?category_id={under}"), Some(&admin), None).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 2);
    for r in listed.json.as_array().unwrap() {
        let gone =
            server.request("DELETE", &format!("/api/admin/responses/{}", r["id"]), Some(&admin), None).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
    }
    assert_eq!(
        server
            .request("DELETE", &format!("/api/admin/response-categories/{under}"), Some(&admin), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let gone = server.request("GET", "/api/responses?language=cs&q=%23sleva", Some(&agent), None).await;
    assert!(gone.json.as_array().unwrap().iter().all(|r| r["id"] != rid), "a deleted response is not found");

    let trail = server.request("GET", &format!("/api/admin/responses/{rid}/audit"), Some(&admin), None).await;
    let fields: Vec<&str> =
        trail.json.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["deleted", "title", "created"]);
    assert_eq!(trail.json[1]["old_value"], "Sleva");
    assert_eq!(trail.json[1]["new_value"], "Sleva 10 %");
    let category_trail = server
        .request("GET", &format!("/api/admin/response-categories/{under}/audit"), Some(&admin), None)
        .await;
    let fields: Vec<&str> =
        category_trail.json.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["deleted", "parent", "created"]);
    // Names repeat under different parents: the trail says where, from the top.
    assert_eq!(
        (category_trail.json[1]["old_value"].as_str(), category_trail.json[1]["new_value"].as_str()),
        (Some("Sales"), Some("Service › Sales"))
    );
}
