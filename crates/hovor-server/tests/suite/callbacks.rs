//! Scheduled and personal callbacks on a scripted clock: the form's rules from `hovor-types` on the
//! server at their edges, the queue and assignee checks, Manage (list, edit, reschedule, delete) and
//! the refusal once a window has started.

use crate::common::TestServer;

use axum::http::StatusCode;
use serde_json::{Value, json};

/// 2026-03-20 08:00 UTC (09:00 in Prague, winter time).
const NOW: i64 = 1_773_993_600_000;
const HOUR: i64 = 3_600_000;
/// 2026-03-28 08:00 UTC: 09:00 in Prague, the day before summer time starts.
const SATURDAY_9: i64 = 1_774_684_800_000;

struct Scene {
    server: TestServer,
    clock: hovor_server::db::Clock,
    queue: i64,
    agent: String,
    contact: i64,
    conversation: i64,
}

async fn scene() -> Scene {
    let (server, clock) = TestServer::new().await.with_scripted_clock(NOW);
    let queue = server.queue_id(0).await;
    let member = server.agent_in(queue).await;
    let agent = server.sign_in(&member).await;
    let conversation = server.start_chat(queue, "Jana Nováková").await.conversation_id;
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contacts ORDER BY id LIMIT 1")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    Scene { server, clock, queue, agent, contact, conversation }
}

impl Scene {
    fn form(&self) -> Value {
        json!({
            "phone": "+420 602 123",
            "name": "Jana Nováková",
            "date": "2026-03-28",
            "start": "09:00",
            "end": "10:00",
            "time_zone": "Europe/Prague",
            "queue_id": self.queue,
            "reason": "Invoice question",
            "contact_id": self.contact,
            "conversation_id": self.conversation,
        })
    }

    async fn create(&self, cookie: &str, form: Value) -> crate::common::Answer {
        self.server.request("POST", "/api/callbacks", Some(cookie), Some(form)).await
    }

    /// The status, and the field and rule of a refusal, of the form with `changes`.
    async fn tried(&self, changes: Value) -> (StatusCode, Option<String>, Option<String>) {
        let answer = self.create(&self.agent, changes.merge(self.form())).await;
        let text = |v: &Value| v.as_str().map(str::to_owned);
        (answer.status, text(&answer.json["field"]), text(&answer.json["rule"]["kind"]))
    }

    async fn teammate(&self) -> (i64, String) {
        sqlx::query_as(
            "SELECT u.id, u.username FROM users u JOIN queue_members m ON m.user_id = u.id
             WHERE m.queue_id = $1 AND u.role = 'agent' ORDER BY u.id LIMIT 1 OFFSET 1",
        )
        .bind(self.queue)
        .fetch_one(&self.server.pool)
        .await
        .unwrap()
    }
}

fn unprocessable(field: &str, rule: &str) -> (StatusCode, Option<String>, Option<String>) {
    (StatusCode::UNPROCESSABLE_ENTITY, Some(field.into()), Some(rule.into()))
}

#[tokio::test]
async fn a_callback_is_scheduled_in_the_customers_zone_within_the_forms_rules() {
    let s = scene().await;
    let created = s.create(&s.agent, s.form()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["starts_at"], SATURDAY_9);
    assert_eq!(created.json["ends_at"], SATURDAY_9 + HOUR);
    assert_eq!(
        (created.json["kind"].as_str(), created.json["state"].as_str()),
        (Some("scheduled"), Some("scheduled"))
    );
    assert_eq!(created.json["conversation_id"], s.conversation);

    // Every rule, at its edges.
    assert_eq!(s.tried(json!({"phone": "602 12"})).await, unprocessable("phone", "too_short"));
    assert_eq!(s.tried(json!({"phone": "602-123-456-7890"})).await, unprocessable("phone", "too_long"));
    assert_eq!(s.tried(json!({"phone": "602 123 4x7"})).await, unprocessable("phone", "malformed"));
    assert_eq!(s.tried(json!({"name": "Ja"})).await, unprocessable("name", "too_short"));
    assert_eq!(s.tried(json!({"name": "я".repeat(251)})).await, unprocessable("name", "too_long"));
    assert_eq!(s.tried(json!({"reason": "я".repeat(251)})).await, unprocessable("reason", "too_long"));
    assert_eq!(
        s.tried(json!({"time_zone": "Europe/Praha"})).await,
        unprocessable("time_zone", "not_an_option")
    );
    assert_eq!(s.tried(json!({"end": "08:59"})).await, unprocessable("end", "ends_before_start"));
    // 09:29 in Prague is 29 minutes from now; 09:30 is 30.
    let soon = json!({"date": "2026-03-20", "start": "09:29", "end": "11:00"});
    assert_eq!(s.tried(soon).await, unprocessable("start", "too_soon"));
    let in_30 = s
        .create(&s.agent, json!({"date": "2026-03-20", "start": "09:30", "end": "11:00"}).merge(s.form()))
        .await;
    assert_eq!(in_30.status, StatusCode::CREATED, "{}", in_30.json);
    // 20 April 10:00 in Prague (summer time) is 31 days from now; 10:01 is a minute more.
    let late = json!({"date": "2026-04-20", "start": "10:01", "end": "11:00"});
    assert_eq!(s.tried(late).await, unprocessable("date", "too_late"));
    let in_31_days = s.tried(json!({"date": "2026-04-20", "start": "10:00", "end": "11:00"})).await;
    assert_eq!(in_31_days.0, StatusCode::CREATED);

    // The queue must take calls and be the agent's; an assignee must be an agent of it.
    let outside = s.server.agent_outside(s.queue).await;
    let outsider = s.server.sign_in(&outside).await;
    let foreign = s.create(&outsider, json!({"conversation_id": null}).merge(s.form())).await;
    assert_eq!(
        (foreign.json["field"].as_str(), foreign.json["rule"]["kind"].as_str()),
        (Some("queue_id"), Some("not_an_option"))
    );
    let outsider_id = s.server.user_id(&outside).await;
    assert_eq!(
        s.tried(json!({"assignee_id": outsider_id})).await,
        unprocessable("assignee_id", "not_an_option")
    );
    sqlx::query("UPDATE queues SET entry_number = NULL WHERE id = $1")
        .bind(s.queue)
        .execute(&s.server.pool)
        .await
        .unwrap();
    assert_eq!(s.tried(json!({})).await, unprocessable("queue_id", "not_an_option"));
    // A conversation the user may not see is not found.
    let hidden = s.create(&outsider, s.form()).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn manage_edits_reschedules_and_deletes_until_the_window_starts() {
    let s = scene().await;
    let (teammate_id, teammate) = s.teammate().await;
    let created = s.create(&s.agent, s.form()).await;
    let id = created.json["id"].as_i64().unwrap();
    // A personal callback for the teammate, agreed in the same chat.
    let personal =
        s.create(&s.agent, json!({"assignee_id": teammate_id, "date": "2026-03-27"}).merge(s.form())).await;
    assert_eq!(personal.json["assignee"]["id"], teammate_id, "{}", personal.json);

    // The customer's list has both; the teammate's own list (no customer) has the personal one.
    let listed = s
        .server
        .request("GET", &format!("/api/callbacks?contact_id={}", s.contact), Some(&s.agent), None)
        .await;
    assert_eq!(listed.json.as_array().unwrap().len(), 2, "{}", listed.json);
    let theirs = s.server.sign_in(&teammate).await;
    let own = s.server.request("GET", "/api/callbacks", Some(&theirs), None).await;
    let own_ids: Vec<_> = own.json.as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
    assert_eq!(own_ids, [personal.json["id"].clone()]);
    // Someone outside the queue neither sees nor changes it.
    let outsider = s.server.sign_in(&s.server.agent_outside(s.queue).await).await;
    let path = format!("/api/callbacks/{id}");
    assert_eq!(s.server.request("DELETE", &path, Some(&outsider), None).await.status, StatusCode::NOT_FOUND);
    let none = s
        .server
        .request("GET", &format!("/api/callbacks?contact_id={}", s.contact), Some(&outsider), None)
        .await;
    assert_eq!(none.json, json!([]));

    // Edit; then "same time next day" keeps 09:00 in Prague across the change to summer time: 23 hours on.
    let edited = s
        .server
        .request("PUT", &path, Some(&s.agent), Some(json!({"reason": "Refund"}).merge(s.form())))
        .await;
    assert_eq!((edited.status, edited.json["reason"].as_str()), (StatusCode::OK, Some("Refund")));
    let next = s
        .server
        .request(
            "POST",
            &format!("{path}/reschedule"),
            Some(&s.agent),
            Some(json!({"kind": "same_time_next_day"})),
        )
        .await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.json);
    assert_eq!(
        (next.json["date"].as_str(), next.json["start"].as_str()),
        (Some("2026-03-29"), Some("09:00"))
    );
    assert_eq!(next.json["starts_at"].as_i64(), Some(SATURDAY_9 + 23 * HOUR));
    let at = json!({"kind": "at", "date": "2026-03-20", "start": "09:10", "end": "10:00"});
    let too_soon = s.server.request("POST", &format!("{path}/reschedule"), Some(&s.agent), Some(at)).await;
    assert_eq!(
        (too_soon.status, too_soon.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("start"))
    );

    // Once the window has started, nothing changes it.
    s.clock.set(SATURDAY_9 + 23 * HOUR);
    let started = [
        s.server.request("PUT", &path, Some(&s.agent), Some(s.form())).await,
        s.server
            .request(
                "POST",
                &format!("{path}/reschedule"),
                Some(&s.agent),
                Some(json!({"kind": "same_time_next_day"})),
            )
            .await,
        s.server.request("DELETE", &path, Some(&s.agent), None).await,
    ];
    for answer in started {
        assert_eq!(
            (answer.status, answer.json["reason"].as_str()),
            (StatusCode::CONFLICT, Some("callback_started"))
        );
    }
    // One still to come is deleted.
    s.clock.set(NOW);
    let personal_path = format!("/api/callbacks/{}", personal.json["id"]);
    assert_eq!(
        s.server.request("DELETE", &personal_path, Some(&theirs), None).await.status,
        StatusCode::NO_CONTENT
    );
    let left = s.server.request("GET", "/api/callbacks", Some(&theirs), None).await;
    assert_eq!(left.json, json!([]));
}

#[tokio::test]
async fn the_form_is_offered_the_agents_voice_queues_their_agents_and_the_customers_zone() {
    let s = scene().await;
    let (teammate_id, _) = s.teammate().await;
    let path = format!("/api/callbacks/choices?contact_id={}&conversation_id={}", s.contact, s.conversation);
    let choices = s.server.request("GET", &path, Some(&s.agent), None).await;
    assert_eq!(choices.status, StatusCode::OK, "{}", choices.json);
    let queue =
        choices.json["queues"].as_array().unwrap().iter().find(|q| q["id"] == s.queue).expect("the queue");
    assert!(queue["agents"].as_array().unwrap().iter().any(|a| a["id"] == teammate_id));
    assert!(choices.json["name"].as_str().is_some_and(|n| !n.is_empty()));
}

trait Merge {
    /// `self`'s fields over `base`'s.
    fn merge(self, base: Value) -> Value;
}

impl Merge for Value {
    fn merge(self, mut base: Value) -> Value {
        for (k, v) in self.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    }
}

/// Two instances' timers on one database: separate routing locks, the same clock.
async fn tick_as_two_instances(server: &TestServer) {
    let mut other = hovor_server::AppState::new(server.pool.clone());
    other.clock = server.state.clock.clone();
    other.voice = server.state.voice.clone();
    let (a, b) =
        tokio::join!(hovor_server::routing::tick(&server.state), hovor_server::routing::tick(&other));
    a.expect("first instance");
    b.expect("second instance");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_window_opens_the_callback_waits_in_its_queue_once_and_accept_rings_the_customer() {
    let (server, clock) = TestServer::with_voice().await.with_scripted_clock(NOW);
    // Technical support takes calls; its first agent is Available.
    let queue = server.queue_id(1).await;
    let member = server.agent_in(queue).await;
    let agent = server.sign_in(&member).await;
    server.go_available(&agent).await;
    let form = json!({
        "phone": "777 123 456", "name": "Jana Nováková", "date": "2026-03-20", "start": "10:00", "end": "11:00",
        "time_zone": "Europe/Prague", "queue_id": queue, "reason": "Router replacement",
    });
    let created = server.request("POST", "/api/callbacks", Some(&agent), Some(form)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let callback = created.json["id"].as_i64().unwrap();
    let line = {
        let opened =
            server.request("POST", "/api/phone/lines", None, Some(json!({"number": "777 123 456"}))).await;
        assert_eq!(opened.status, StatusCode::NO_CONTENT, "{}", opened.json);
        opened.set_cookie.expect("line cookie").split(';').next().unwrap().to_owned()
    };
    let placed = || async {
        let rows: Vec<(String, Option<i64>)> =
            sqlx::query_as("SELECT state, placed_conversation_id FROM callbacks WHERE id = $1")
                .bind(callback)
                .fetch_all(&server.pool)
                .await
                .unwrap();
        rows[0].clone()
    };

    // Before the window nothing happens; once it opens, two instances' timers place it once.
    tick_as_two_instances(&server).await;
    assert_eq!(placed().await, ("scheduled".into(), None));
    clock.set(NOW + HOUR);
    tick_as_two_instances(&server).await;
    tick_as_two_instances(&server).await;
    let (state, conversation) = placed().await;
    assert_eq!(state, "queued");
    let conversation = conversation.expect("a conversation");
    let calls: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE caller_number = $1")
        .bind("777 123 456")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(calls, 1, "placed once");
    // Its window has started: the callback can no longer be changed.
    let late = server.request("DELETE", &format!("/api/callbacks/{callback}"), Some(&agent), None).await;
    assert_eq!((late.status, late.json["reason"].as_str()), (StatusCode::CONFLICT, Some("callback_started")));

    // Offered like a call; Accept rings the customer's phone, which answers into the call.
    assert_eq!(server.offered(&agent).await, [conversation]);
    let accepted = server
        .request(
            "POST",
            "/api/offers/accept",
            Some(&agent),
            Some(json!({"conversation_ids": [conversation]})),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);
    let view =
        server.request("GET", &format!("/api/conversations/{conversation}/call"), Some(&agent), None).await;
    assert_eq!(view.json["call"]["mode"], "waiting", "{}", view.json);
    let (_, offer) = crate::voice::Phone::offering(b'C', None);
    let answer_path = format!("/api/phone/incoming/{conversation}/answer");
    let answered = server.request("POST", &answer_path, Some(&line), Some(json!({"sdp": offer}))).await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);
    assert_eq!(placed().await.0, "placed");
}
