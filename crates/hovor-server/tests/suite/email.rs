//! The email channel end to end: an email posted by the gateway is threaded and routed, the agent
//! replies to all, the SMTP relay (a real local sink) receives it with the right headers, and the
//! customer's answer joins the same conversation. Also the outbox's failures, the gateway's access and
//! the agent's input rules.

use crate::common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::StatusCode;
use common::TestServer;
use mail_parser::MessageParser;
use serde_json::{Value, json};

const TOKEN: &str = "gateway-token";

/// A local SMTP sink on a free port, keeping mail in its own directory.
struct Sink {
    url: String,
    dir: PathBuf,
    _dir: tempfile::TempDir,
}

fn sink(rules: hovor_mail_sink::Rules) -> Sink {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let serve_dir = path.clone();
    std::thread::spawn(move || hovor_mail_sink::serve(listener, &serve_dir, rules));
    Sink { url, dir: path, _dir: dir }
}

async fn received(dir: &Path, count: usize) -> Vec<Vec<u8>> {
    for _ in 0..200 {
        let mail = hovor_mail_sink::received(dir).unwrap();
        if mail.len() >= count {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the relay did not receive {count} emails");
}

async fn post_email(server: &TestServer, raw: &str) -> common::Answer {
    let auth = format!("Bearer {TOKEN}");
    server
        .request_raw(
            "POST",
            "/api/email/inbound",
            raw.as_bytes().to_vec(),
            &[("authorization", &auth), ("content-type", "message/rfc822")],
        )
        .await
}

fn customer_email(id: &str, extra: &str, body: &str) -> String {
    format!(
        "From: Jana Dvořáková <Jana.Dvorakova@example.cz>\r\nTo: Billing <billing@hovor.example>\r\nCc: eva@example.cz\r\n\
         Subject: Invoice 2026-11\r\nMessage-ID: <{id}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

async fn thread(server: &TestServer, cookie: &str, id: i64) -> Vec<Value> {
    let answer = server.request("GET", &format!("/api/conversations/{id}/emails"), Some(cookie), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    answer.json["emails"].as_array().unwrap().clone()
}

async fn status_becomes(server: &TestServer, cookie: &str, id: i64, message: i64, status: &str) -> Value {
    for _ in 0..200 {
        let emails = thread(server, cookie, id).await;
        let email = emails.iter().find(|e| e["id"] == message).unwrap().clone();
        if email["status"] == status {
            return email;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("email {message} never became {status}");
}

/// An email in the first queue (billing@), accepted by agent1; returns the conversation.
async fn accepted(server: &TestServer, cookie: &str, raw: &str) -> i64 {
    server.go_available(cookie).await;
    let answer = post_email(server, raw).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    let id = answer.json["conversation_id"].as_i64().unwrap();
    // The offer says what the email is about, whatever the queue's popover shows.
    let offers = server.request("GET", "/api/offers", Some(cookie), None).await;
    let offer = offers.json.as_array().unwrap().iter().find(|o| o["conversation_id"] == id).unwrap().clone();
    let subject = offer["variables"].as_array().unwrap().iter().find(|v| v["field"] == "subject");
    let expected = raw.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap().trim_end();
    assert_eq!(subject.map(|v| v["value"].clone()), Some(json!(expected)), "{offer}");
    let accept = server
        .request("POST", "/api/offers/accept", Some(cookie), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accept.json["accepted"], json!([id]), "{}", accept.json);
    id
}

async fn send(server: &TestServer, cookie: &str, id: i64, email: Value) -> common::Answer {
    server.request("POST", &format!("/api/conversations/{id}/emails"), Some(cookie), Some(email)).await
}

#[tokio::test]
async fn an_email_is_threaded_answered_to_all_and_the_relay_receives_the_right_headers() {
    let relay = sink(Default::default());
    let server = TestServer::with_mail(&relay.url, TOKEN).await;
    let agent1 = server.sign_in("agent1").await;
    let first = customer_email(
        "c1@example.cz",
        "References: <older@example.cz>\r\n",
        "Please send the invoice again.",
    );
    let id = accepted(&server, &agent1, &first).await;

    // The gateway retrying the same email stores nothing new.
    let again = post_email(&server, &first).await;
    assert_eq!(
        (again.status, again.json["conversation_id"].as_i64(), again.json["stored"].as_bool()),
        (StatusCode::OK, Some(id), Some(false))
    );

    let whole = server.request("GET", &format!("/api/conversations/{id}/emails"), Some(&agent1), None).await;
    assert_eq!(whole.json["mailbox"], "billing@hovor.example");
    let emails = thread(&server, &agent1, id).await;
    assert_eq!(emails.len(), 1);
    let original = &emails[0];
    assert_eq!(
        (original["from"].as_str(), original["from_name"].as_str()),
        (Some("jana.dvorakova@example.cz"), Some("Jana Dvořáková"))
    );
    assert_eq!(original["cc"], json!(["eva@example.cz"]));
    assert_eq!(original["status"], "received");

    let reply = send(&server, &agent1, id, json!({
        "kind": "reply_all", "replying_to": original["id"], "to": ["jana.dvorakova@example.cz"], "cc": ["eva@example.cz"],
        "subject": "Re: Invoice 2026-11", "body": "Dear Jana, the invoice is attached to your account.",
    }))
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    assert_eq!(reply.json["status"], "waiting");
    let reply_id = reply.json["id"].as_i64().unwrap();

    let mail = received(&relay.dir, 1).await;
    let raw = String::from_utf8_lossy(&mail[0]).to_string();
    assert!(raw.contains("X-Sink-Envelope-To: jana.dvorakova@example.cz, eva@example.cz"), "{raw}");
    let sent = MessageParser::default().parse(&mail[0]).unwrap();
    assert_eq!(sent.from().unwrap().first().unwrap().address(), Some("billing@hovor.example"));
    assert_eq!(sent.to().unwrap().first().unwrap().address(), Some("jana.dvorakova@example.cz"));
    assert_eq!(sent.cc().unwrap().first().unwrap().address(), Some("eva@example.cz"));
    assert_eq!(sent.subject(), Some("Re: Invoice 2026-11"));
    assert_eq!(sent.in_reply_to().as_text(), Some("c1@example.cz"));
    let references: Vec<&str> =
        sent.references().as_text_list().unwrap().iter().map(|r| r.as_ref()).collect();
    assert_eq!(references, ["older@example.cz", "c1@example.cz"]);
    let text = sent.body_text(0).unwrap();
    assert!(text.starts_with("Dear Jana"), "{text}");
    assert!(text.contains("> Please send the invoice again."), "the original is quoted: {text}");
    let our_id = sent.message_id().unwrap().to_owned();
    status_becomes(&server, &agent1, id, reply_id, "sent").await;

    // The customer answers our email: it joins the same conversation.
    let answer = customer_email(
        "c2@example.cz",
        &format!("In-Reply-To: <{our_id}>\r\nReferences: <c1@example.cz> <{our_id}>\r\n"),
        "Thank you!",
    );
    let joined = post_email(&server, &answer).await;
    assert_eq!((joined.status, joined.json["conversation_id"].as_i64()), (StatusCode::CREATED, Some(id)));
    let kinds: Vec<Value> = thread(&server, &agent1, id).await.iter().map(|e| e["kind"].clone()).collect();
    assert_eq!(kinds, [json!("received"), json!("reply_all"), json!("received")]);

    // Once the conversation ended, the next email of the thread starts a follow-up, routed anew.
    let end = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&agent1), None).await;
    assert!(end.status.is_success(), "{}", end.json);
    let later = customer_email("c3@example.cz", "In-Reply-To: <c2@example.cz>\r\n", "One more thing.");
    let follow_up = post_email(&server, &later).await;
    assert_eq!(follow_up.status, StatusCode::CREATED);
    let follow_up_id = follow_up.json["conversation_id"].as_i64().unwrap();
    assert_ne!(follow_up_id, id);
    let parent: Option<i64> = sqlx::query_scalar("SELECT parent_id FROM conversations WHERE id = $1")
        .bind(follow_up_id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(parent, Some(id));
    // An answer to an older email of the thread joins the follow-up going on, not a third conversation.
    let older = customer_email("c4@example.cz", "In-Reply-To: <c1@example.cz>\r\n", "And the receipt?");
    let joined = post_email(&server, &older).await;
    assert_eq!(
        (joined.status, joined.json["conversation_id"].as_i64()),
        (StatusCode::CREATED, Some(follow_up_id))
    );
}

#[tokio::test]
async fn a_refused_email_fails_and_a_deferred_one_waits_for_another_attempt() {
    let rules = hovor_mail_sink::Rules {
        refuse: vec!["nobody@example.cz".into()],
        defer: vec!["later@example.cz".into()],
    };
    let relay = sink(rules);
    let server = TestServer::with_mail(&relay.url, TOKEN).await;
    let agent1 = server.sign_in("agent1").await;
    let id = accepted(&server, &agent1, &customer_email("f1@example.cz", "", "Hello")).await;
    let original = thread(&server, &agent1, id).await[0]["id"].clone();
    let forward = |to: &str| json!({"kind": "forward", "replying_to": original, "to": [to], "subject": "Fwd: Invoice", "body": "Please check."});

    let refused = send(&server, &agent1, id, forward("nobody@example.cz")).await;
    let failed = status_becomes(&server, &agent1, id, refused.json["id"].as_i64().unwrap(), "failed").await;
    assert!(failed["error"].as_str().unwrap().contains("550"), "{failed}");
    assert_eq!(failed["attempts"], 1, "a permanent refusal is not retried");

    let deferred = send(&server, &agent1, id, forward("later@example.cz")).await;
    let deferred_id = deferred.json["id"].as_i64().unwrap();
    for _ in 0..200 {
        let email = thread(&server, &agent1, id).await.into_iter().find(|e| e["id"] == deferred_id).unwrap();
        if email["attempts"] == 1 {
            assert_eq!(email["status"], "waiting", "a temporary refusal is tried again later");
            assert!(email["error"].as_str().unwrap().contains("451"), "{email}");
            let next: Option<i64> =
                sqlx::query_scalar("SELECT next_attempt_at FROM emails WHERE message_id = $1")
                    .bind(deferred_id)
                    .fetch_one(&server.pool)
                    .await
                    .unwrap();
            assert!(next.unwrap() > hovor_server::db::now_ms() + 5_000);
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the deferred email was never attempted");
}

#[tokio::test]
async fn the_gateway_needs_its_token_a_sender_and_one_of_our_mailboxes() {
    let relay = sink(Default::default());
    let server = TestServer::with_mail(&relay.url, TOKEN).await;
    let raw = customer_email("g1@example.cz", "", "Hi");
    let none = server.request_raw("POST", "/api/email/inbound", raw.clone().into_bytes(), &[]).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    let wrong = server
        .request_raw("POST", "/api/email/inbound", raw.into_bytes(), &[("authorization", "Bearer guess")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let no_sender = post_email(&server, "To: billing@hovor.example\r\nSubject: x\r\n\r\nbody").await;
    assert_eq!(
        (no_sender.status, no_sender.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("from"))
    );
    let elsewhere =
        post_email(&server, "From: a@x.cz\r\nTo: someone@else.example\r\nSubject: x\r\n\r\nbody").await;
    assert_eq!(
        (elsewhere.status, elsewhere.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("to"))
    );
    // The envelope recipient counts too (our mailbox in Bcc).
    let bcc = server
        .request_raw(
            "POST",
            "/api/email/inbound?recipient=sales@hovor.example",
            b"From: a@x.cz\r\nTo: someone@else.example\r\nSubject: x\r\n\r\nbody".to_vec(),
            &[("authorization", &format!("Bearer {TOKEN}"))],
        )
        .await;
    assert_eq!(bcc.status, StatusCode::CREATED, "{}", bcc.json);
    // Without the token nothing of the body is read, however large.
    let unread = server.request_raw("POST", "/api/email/inbound", vec![b'a'; 20 * 1024 * 1024], &[]).await;
    assert_eq!(unread.status, StatusCode::UNAUTHORIZED);
    let huge = vec![b'a'; hovor_server::email::incoming::RAW_MAX_BYTES + 1];
    let too_big = server
        .request_raw("POST", "/api/email/inbound", huge, &[("authorization", &format!("Bearer {TOKEN}"))])
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn hostile_html_is_stored_inert_and_an_agents_email_is_checked() {
    let relay = sink(Default::default());
    let server = TestServer::with_mail(&relay.url, TOKEN).await;
    let agent1 = server.sign_in("agent1").await;
    let hostile = "From: m@evil.example\r\nTo: billing@hovor.example\r\nSubject: Pay\r\nMessage-ID: <h@evil.example>\r\n\
        Content-Type: text/html\r\n\r\n<p onmouseover=\"x()\">Pay</p><script>alert(1)</script><img src=https://evil.example/t.gif onerror=alert(2)>\
        <a href=\"javascript:alert(3)\">here</a>";
    let id = accepted(&server, &agent1, hostile).await;
    let email = thread(&server, &agent1, id).await.remove(0);
    let html = email["html"].as_str().unwrap();
    for gone in ["<script", "onmouseover", "onerror", "javascript:", "evil.example/t.gif"] {
        assert!(!html.contains(gone), "{gone} in {html}");
    }
    assert_eq!(email["text"].as_str().unwrap().trim(), "Pay\nhere", "{email}");

    let original = email["id"].clone();
    let bad_cc = send(&server, &agent1, id, json!({"kind": "reply", "replying_to": original, "to": ["m@evil.example"], "cc": ["eva@"], "subject": "Re: Pay", "body": "No."})).await;
    assert_eq!(
        (bad_cc.status, bad_cc.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cc"))
    );
    let unfilled = send(&server, &agent1, id, json!({"kind": "reply", "replying_to": original, "to": ["m@evil.example"], "subject": "Re: Pay", "body": "Hi {{contact.first_name}}"})).await;
    assert_eq!(
        (unfilled.status, unfilled.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("body"))
    );
    let elsewhere = send(&server, &agent1, id, json!({"kind": "reply", "replying_to": 1, "to": ["m@evil.example"], "subject": "Re: Pay", "body": "No."})).await;
    assert_eq!(
        (elsewhere.status, elsewhere.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("replying_to"))
    );
    let agent2 = server.sign_in("agent2").await;
    let not_mine = send(&server, &agent2, id, json!({"kind": "reply", "replying_to": original, "to": ["m@evil.example"], "subject": "Re: Pay", "body": "No."})).await;
    assert!(matches!(not_mine.status, StatusCode::CONFLICT | StatusCode::NOT_FOUND), "{}", not_mine.status);

    // Retrying with the same key queues one email.
    let body = json!({"kind": "reply", "replying_to": original, "to": ["m@evil.example"], "subject": "Re: Pay", "body": "No."});
    let path = format!("/api/conversations/{id}/emails");
    let first = server
        .request_with("POST", &path, Some(&agent1), Some(body.clone()), &[("idempotency-key", "k1")])
        .await;
    let retry =
        server.request_with("POST", &path, Some(&agent1), Some(body), &[("idempotency-key", "k1")]).await;
    assert_eq!(first.json["id"], retry.json["id"]);
    assert_eq!(thread(&server, &agent1, id).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_outboxes_send_each_email_once() {
    let relay = sink(Default::default());
    let database = crate::database::TestDatabase::postgres();
    let a = TestServer::on(&database.url, true).await.sending_mail(&relay.url, TOKEN);
    let b = TestServer::on(&database.url, false).await.sending_mail(&relay.url, TOKEN);
    let agent1 = a.sign_in("agent1").await;
    let id = accepted(&a, &agent1, &customer_email("once@example.cz", "", "Two servers, one answer.")).await;
    let original = thread(&a, &agent1, id).await[0]["id"].clone();
    // Twenty replies, sent through either instance: both outboxes are awake for each.
    let mut sent = Vec::new();
    for n in 0..20 {
        let server = if n % 2 == 0 { &a } else { &b };
        let reply = send(
            server,
            &agent1,
            id,
            json!({
                "kind": "reply", "replying_to": original, "to": ["jana.dvorakova@example.cz"],
                "subject": "Re: Invoice 2026-11", "body": format!("Answer {n}."),
            }),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
        sent.push(reply.json["id"].as_i64().unwrap());
    }
    for message in &sent {
        status_becomes(&a, &agent1, id, *message, "sent").await;
    }
    // Every email is recorded sent; a second sending would have been under way by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mail = received(&relay.dir, 20).await;
    let bodies: Vec<String> = mail
        .iter()
        .map(|m| MessageParser::default().parse(m).unwrap().body_text(0).unwrap().trim().to_owned())
        .collect();
    let mut unique = bodies.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((mail.len(), unique.len()), (20, 20), "each reply relayed once: {bodies:?}");
}

#[tokio::test]
async fn a_composed_email_is_the_agents_own_from_a_queue_with_a_mailbox_to_the_address_given() {
    let relay = sink(Default::default());
    let server = TestServer::with_mail(&relay.url, TOKEN).await;
    let agent = server.sign_in("agent1").await;

    let bad =
        server.request("POST", "/api/emails", Some(&agent), Some(json!({"to": "Jana <jana@x.cz>"}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.json);
    assert_eq!(bad.json["field"], "to");
    let anonymous = server.request("POST", "/api/emails", None, Some(json!({"to": "jana@example.cz"}))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // An address no contact has: the New email goes there, with the subject given.
    let composed = server
        .request(
            "POST",
            "/api/emails",
            Some(&agent),
            Some(json!({"to": "nobody.yet@example.cz", "subject": "Nabídka"})),
        )
        .await;
    assert_eq!(composed.status, StatusCode::CREATED, "{}", composed.json);
    assert_eq!(composed.json["channel"], "email");
    let id = composed.json["id"].as_i64().unwrap();
    let whole = server.request("GET", &format!("/api/conversations/{id}/emails"), Some(&agent), None).await;
    assert_eq!(whole.json["recipient"], "nobody.yet@example.cz", "{}", whole.json);
    assert_eq!(whole.json["subject"], "Nabídka");
    assert!(whole.json["mailbox"].as_str().is_some_and(|m| m.contains('@')), "from a queue with a mailbox");
    let sent = send(
        &server,
        &agent,
        id,
        json!({"kind": "new", "replying_to": null, "to": ["nobody.yet@example.cz"],
        "subject": "Nabídka", "body": "Dobrý den, posíláme nabídku."}),
    )
    .await;
    assert_eq!(sent.status, StatusCode::CREATED, "the agent's own: {}", sent.json);

    // A contact's address, in other letters: linked to that contact.
    let (contact_id, address): (i64, String) = sqlx::query_as(
        "SELECT p.contact_id, p.value FROM contact_points p JOIN contacts c ON c.id = p.contact_id
         WHERE p.kind = 'email' AND c.merged_into IS NULL ORDER BY p.contact_id LIMIT 1",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let composed = server
        .request("POST", "/api/emails", Some(&agent), Some(json!({"to": address.to_uppercase()})))
        .await;
    assert_eq!(composed.status, StatusCode::CREATED, "{}", composed.json);
    let linked: Option<i64> = sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(composed.json["id"].as_i64().unwrap())
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(linked, Some(contact_id));

    // Someone whose queues have no mailbox cannot compose.
    let admin = server.sign_in("admin").await;
    sqlx::query("DELETE FROM queue_members WHERE user_id = (SELECT id FROM users WHERE username = 'admin')")
        .execute(&server.pool)
        .await
        .unwrap();
    let refused =
        server.request("POST", "/api/emails", Some(&admin), Some(json!({"to": "jana@example.cz"}))).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.json);
    assert_eq!(refused.json["reason"], "no_mailbox");
}
