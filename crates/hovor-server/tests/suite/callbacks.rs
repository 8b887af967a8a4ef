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

/// Placing callbacks: a server with calls and a scripted clock, Technical support's first agent
/// Available, and a phone line per number.
struct Placing {
    server: TestServer,
    clock: hovor_server::db::Clock,
    queue: i64,
    agent: String,
}

impl Placing {
    async fn new() -> Placing {
        let (server, clock) = TestServer::with_voice().await.with_scripted_clock(NOW);
        let queue = server.queue_id(1).await;
        let member = server.agent_in(queue).await;
        let agent = server.sign_in(&member).await;
        server.go_available(&agent).await;
        Placing { server, clock, queue, agent }
    }

    /// A callback for 10:00–12:00 in Prague today (an hour from `NOW`); personal with `assignee`.
    async fn schedule(&self, phone: &str, assignee: Option<i64>) -> i64 {
        let form = json!({
            "phone": phone, "name": "Jana Nováková", "date": "2026-03-20", "start": "10:00", "end": "12:00",
            "time_zone": "Europe/Prague", "queue_id": self.queue, "reason": "Router replacement", "assignee_id": assignee,
        });
        let created = self.server.request("POST", "/api/callbacks", Some(&self.agent), Some(form)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
        created.json["id"].as_i64().unwrap()
    }

    async fn line(&self, number: &str) -> String {
        let opened =
            self.server.request("POST", "/api/phone/lines", None, Some(json!({"number": number}))).await;
        assert_eq!(opened.status, StatusCode::NO_CONTENT, "{}", opened.json);
        opened.set_cookie.expect("line cookie").split(';').next().unwrap().to_owned()
    }

    /// State, placed conversation, attempts and failure of a callback.
    async fn callback(&self, id: i64) -> (String, Option<i64>, i64, Option<String>) {
        sqlx::query_as("SELECT state, placed_conversation_id, attempts, failure FROM callbacks WHERE id = $1")
            .bind(id)
            .fetch_one(&self.server.pool)
            .await
            .unwrap()
    }

    /// The agent accepts the callback's offer: the customer's phone rings.
    async fn accept(&self, agent: &str, conversation: i64) {
        assert_eq!(self.server.offered(agent).await, [conversation]);
        let body = json!({"conversation_ids": [conversation]});
        let accepted = self.server.request("POST", "/api/offers/accept", Some(agent), Some(body)).await;
        assert_eq!(accepted.json["accepted"], json!([conversation]), "{}", accepted.json);
        let view = self
            .server
            .request("GET", &format!("/api/conversations/{conversation}/call"), Some(agent), None)
            .await;
        assert_eq!(view.json["call"]["mode"], "waiting", "{}", view.json);
    }

    /// The queue's callbacks, as its administrator sets them on the call settings page.
    async fn set_policy(&self, policy: Value) {
        let admin = self.server.sign_in("admin").await;
        let path = format!("/api/admin/queues/{}/callbacks", self.queue);
        let saved = self.server.request("PUT", &path, Some(&admin), Some(policy.clone())).await;
        assert_eq!((saved.status, &saved.json), (StatusCode::OK, &policy));
    }

    /// A teammate of the queue (not the Available agent): id and username.
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

    /// The agent's task for `conversation`.
    async fn task(&self, agent: &str, conversation: i64) -> Value {
        let tasks = self.server.request("GET", "/api/tasks", Some(agent), None).await;
        tasks.json.as_array().unwrap().iter().find(|t| t["id"] == conversation).expect("the task").clone()
    }

    /// The customer's phone declines (busy); the agent wraps up.
    async fn decline_and_wrap_up(&self, line: &str, conversation: i64) {
        let path = format!("/api/phone/incoming/{conversation}/decline");
        let declined = self.server.request("POST", &path, Some(line), None).await;
        assert_eq!(declined.status, StatusCode::NO_CONTENT, "{}", declined.json);
        let reasons = format!("/api/conversations/{conversation}/wrap-up-reasons");
        let reason =
            self.server.request("GET", &reasons, Some(&self.agent), None).await.json[0]["id"].clone();
        let path = format!("/api/conversations/{conversation}/wrap-up");
        let done =
            self.server.request("POST", &path, Some(&self.agent), Some(json!({"reason_id": reason}))).await;
        assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.json);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_window_opens_the_callback_waits_in_its_queue_once_and_is_tried_until_answered() {
    let p = Placing::new().await;
    let callback = p.schedule("777 123 456", None).await;
    let line = p.line("777 123 456").await;

    // Before the window nothing happens; once it opens, two instances' timers place it once.
    tick_as_two_instances(&p.server).await;
    assert_eq!(p.callback(callback).await.0, "scheduled");
    p.clock.set(NOW + HOUR);
    tick_as_two_instances(&p.server).await;
    tick_as_two_instances(&p.server).await;
    let (state, conversation, _, _) = p.callback(callback).await;
    assert_eq!(state, "queued");
    let conversation = conversation.expect("a conversation");
    let calls: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE caller_number = $1")
        .bind("777 123 456")
        .fetch_one(&p.server.pool)
        .await
        .unwrap();
    assert_eq!(calls, 1, "placed once");
    // Its window has started: the callback can no longer be changed.
    let late = p.server.request("DELETE", &format!("/api/callbacks/{callback}"), Some(&p.agent), None).await;
    assert_eq!((late.status, late.json["reason"].as_str()), (StatusCode::CONFLICT, Some("callback_started")));

    // The popover says it is a callback, with the number and the queue's entry point; the task card
    // has the reason.
    let offers = p.server.request("GET", "/api/offers", Some(&p.agent), None).await;
    assert_eq!(offers.json[0]["callback"]["dialled"], "420800100102", "{}", offers.json);
    assert!(offers.json[0]["callback"]["number"].as_str().unwrap().ends_with("3456"));
    p.accept(&p.agent, conversation).await;
    let tasks = p.server.request("GET", "/api/tasks", Some(&p.agent), None).await;
    let task =
        tasks.json.as_array().unwrap().iter().find(|t| t["id"] == conversation).expect("the call's task");
    assert_eq!(task["callback"]["reason"], "Router replacement");
    assert_eq!(task["callback"]["cancellable"], false);

    // Busy: tried again after the queue's spacing (10 minutes), in a new call.
    p.decline_and_wrap_up(&line, conversation).await;
    assert_eq!(p.callback(callback).await, ("scheduled".into(), None, 1, None));
    p.server.routing_tick().await;
    assert!(p.server.offered(&p.agent).await.is_empty(), "not before the spacing");
    p.clock.set(NOW + HOUR + 10 * 60_000);
    p.server.routing_tick().await;
    let (_, second, _, _) = p.callback(callback).await;
    let second = second.expect("a second call");
    assert_ne!(second, conversation);
    p.accept(&p.agent, second).await;
    let (_, offer) = crate::voice::Phone::offering(b'C', None);
    let answer_path = format!("/api/phone/incoming/{second}/answer");
    let answered = p.server.request("POST", &answer_path, Some(&line), Some(json!({"sdp": offer}))).await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);
    assert_eq!(p.callback(callback).await, ("placed".into(), Some(second), 2, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_fails_when_its_attempts_run_out_and_a_personal_one_waits_for_its_assignee() {
    let p = Placing::new().await;
    p.set_policy(json!({"attempts": 1, "retry_minutes": 10, "agent_may_cancel": false})).await;
    let (teammate_id, teammate) = p.teammate().await;
    let anyone = p.schedule("777 123 456", None).await;
    let personal = p.schedule("777 654 321", Some(teammate_id)).await;
    let line = p.line("777 123 456").await;
    p.clock.set(NOW + HOUR);
    p.server.routing_tick().await;

    // Only the callback for anyone reaches the Available agent; busy on its one attempt, it fails.
    let (_, conversation, _, _) = p.callback(anyone).await;
    p.accept(&p.agent, conversation.unwrap()).await;
    p.decline_and_wrap_up(&line, conversation.unwrap()).await;
    assert_eq!(
        p.callback(anyone).await,
        ("failed".into(), Some(conversation.unwrap()), 1, Some("no_answer".into()))
    );

    // The personal one waits for its assignee, who gets it once Available.
    assert_eq!(p.callback(personal).await.0, "queued");
    assert!(p.server.offered(&p.agent).await.is_empty());
    let theirs = p.server.sign_in(&teammate).await;
    p.server.go_available(&theirs).await;
    let (_, placed, _, _) = p.callback(personal).await;
    assert_eq!(p.server.offered(&theirs).await, [placed.unwrap()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_caller_asks_to_be_called_back_and_keeps_their_place_in_the_queue() {
    let p = Placing::new().await;
    // Nobody Available yet: an earlier caller waits, then ours.
    let busy = p
        .server
        .request(
            "PUT",
            "/api/me/status",
            Some(&p.agent),
            Some(json!({"state": "idle", "idle_reason": "break"})),
        )
        .await;
    assert_eq!(busy.status, StatusCode::OK, "{}", busy.json);
    let mut cookies = Vec::new();
    for from in ["+420 777 000 111", "+420 777 000 222"] {
        let (mut phone, offer) = crate::voice::Phone::offering(b'C', None);
        let body = json!({"from": from, "to": "+420 800 100 102", "sdp": offer});
        let dialled = p.server.request("POST", "/api/phone/calls", None, Some(body)).await;
        assert_eq!(dialled.status, StatusCode::CREATED, "{}", dialled.json);
        phone.answered(dialled.json["sdp"].as_str().unwrap());
        cookies.push(dialled.set_cookie.unwrap().split(';').next().unwrap().to_owned());
    }
    let (first, ours): (i64, i64) = {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE caller_number IN ('420777000111', '420777000222') ORDER BY caller_number",
        )
        .fetch_all(&p.server.pool)
        .await
        .unwrap();
        (ids[0], ids[1])
    };
    let line = p.line("+420 777 000 222").await;

    // Call me back instead: the call is put down, the callback waits in the call's place.
    let asked = p.server.request("POST", "/api/phone/call/callback", Some(&cookies[1]), None).await;
    assert_eq!(
        (asked.status, asked.json["number"].as_str()),
        (StatusCode::CREATED, Some("420777000222")),
        "{}",
        asked.json
    );
    let on_phone = p.server.request("GET", "/api/phone/call", Some(&cookies[1]), None).await;
    assert_eq!(on_phone.json["state"], "ended");
    let kind: (String, String, Option<i64>) = sqlx::query_as(
        "SELECT kind, state, placed_conversation_id FROM callbacks WHERE conversation_id = $1",
    )
    .bind(ours)
    .fetch_one(&p.server.pool)
    .await
    .unwrap();
    assert_eq!(kind, ("courtesy".into(), "queued".into(), Some(ours)));

    // The agent comes back: the earlier caller first, then the callback, which rings the caller.
    p.server.go_available(&p.agent).await;
    assert_eq!(p.server.offered(&p.agent).await, [first]);
    let body = json!({"conversation_ids": [first]});
    let taken = p.server.request("POST", "/api/offers/accept", Some(&p.agent), Some(body)).await;
    assert_eq!(taken.json["accepted"], json!([first]), "{}", taken.json);
    let reasons = p
        .server
        .request("GET", &format!("/api/conversations/{first}/wrap-up-reasons"), Some(&p.agent), None)
        .await;
    let ended =
        p.server.request("POST", &format!("/api/conversations/{first}/end"), Some(&p.agent), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.json);
    let body = json!({"reason_id": reasons.json[0]["id"]});
    let done = p
        .server
        .request("POST", &format!("/api/conversations/{first}/wrap-up"), Some(&p.agent), Some(body))
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.json);
    let offers = p.server.request("GET", "/api/offers", Some(&p.agent), None).await;
    assert_eq!(offers.json[0]["callback"]["number"], "•••• 0222", "{}", offers.json);
    p.accept(&p.agent, ours).await;
    let (_, offer) = crate::voice::Phone::offering(b'C', None);
    let path = format!("/api/phone/incoming/{ours}/answer");
    let answered = p.server.request("POST", &path, Some(&line), Some(json!({"sdp": offer}))).await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);

    // Once an agent has a call, it is no longer for a callback.
    let refused = p.server.request("POST", "/api/phone/call/callback", Some(&cookies[0]), None).await;
    assert_eq!(
        (refused.status, refused.json["reason"].as_str()),
        (StatusCode::CONFLICT, Some("call_refused"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_website_asks_for_a_callback_within_its_limits_and_the_next_free_agent_is_offered_it() {
    let mut p = Placing::new().await;
    // The public doors' own limits (the other tests lift them).
    p.server.state.doors = hovor_server::limits::PublicDoors::default();
    p.server.router = hovor_server::app(p.server.state.clone(), None).expect("router");
    let ask = |body: Value| {
        let server = &p.server;
        async move { server.request("POST", "/api/callbacks/web", None, Some(body)).await }
    };
    let web =
        json!({"queue_id": p.queue, "name": "Jana Nováková", "phone": "777 123 456", "reason": "Router"});

    // The form's rules, beside the field, cost the address nothing.
    let bad = ask(json!({"phone": "12"}).merge(web.clone())).await;
    assert_eq!((bad.status, bad.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("phone")));
    let nameless = ask(json!({"name": "J"}).merge(web.clone())).await;
    assert_eq!(nameless.json["field"], "name");
    sqlx::query("UPDATE queues SET entry_number = NULL WHERE id = $1")
        .bind(p.server.queue_id(0).await)
        .execute(&p.server.pool)
        .await
        .unwrap();
    let no_calls = ask(json!({"queue_id": p.server.queue_id(0).await}).merge(web.clone())).await;
    assert_eq!(
        (no_calls.status, no_calls.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("queue_id"))
    );

    // Accepted, and offered at the timer's next pass as a callback.
    assert_eq!(ask(web.clone()).await.status, StatusCode::NO_CONTENT);
    p.server.routing_tick().await;
    let kind: (String, String) =
        sqlx::query_as("SELECT kind, state FROM callbacks WHERE phone = '777 123 456'")
            .fetch_one(&p.server.pool)
            .await
            .unwrap();
    assert_eq!(kind, ("web".into(), "queued".into()));
    let offers = p.server.request("GET", "/api/offers", Some(&p.agent), None).await;
    assert!(offers.json[0]["callback"].is_object(), "{}", offers.json);

    // Three from one address (the one for a queue without calls counted), then 429 with the wait.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(ask(web.clone()).await.status);
    }
    assert_eq!(
        statuses,
        [StatusCode::NO_CONTENT, StatusCode::TOO_MANY_REQUESTS, StatusCode::TOO_MANY_REQUESTS]
    );
    let limited = ask(web).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.json["retry_after_s"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn a_website_or_an_ivr_with_the_callbacks_token_manages_callbacks_and_nothing_else() {
    let (mut server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    server.state = server.state.clone().with_callbacks_token(Some("ivr-secret-token"));
    server.router = hovor_server::app(server.state.clone(), None).expect("router");
    let queue = server.queue_id(0).await;
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contacts ORDER BY id LIMIT 1")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let call = |method: &'static str,
                path: String,
                body: Option<Value>,
                token: &'static [(&'static str, &'static str)]| {
        let server = &server;
        async move { server.request_with(method, &path, None, body, token).await }
    };
    let form = json!({
        "phone": "777 123 456", "name": "Jana Nováková", "date": "2026-03-28", "start": "09:00", "end": "10:00",
        "time_zone": "Europe/Prague", "queue_id": queue, "contact_id": contact,
    });

    // The IVR schedules for any queue that takes calls, under the same rules.
    const IVR: &[(&str, &str)] = &[("authorization", "Bearer ivr-secret-token")];
    const WRONG: &[(&str, &str)] = &[("authorization", "Bearer guessed")];
    let created = call("POST", "/api/callbacks".into(), Some(form.clone()), IVR).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["created_by"], Value::Null);
    let id = created.json["id"].as_i64().unwrap();
    let refused = call(
        "POST",
        "/api/callbacks".into(),
        Some(json!({"date": "2026-03-20", "start": "08:00"}).merge(form.clone())),
        IVR,
    )
    .await;
    assert_eq!(refused.json["field"], "start", "{}", refused.json);

    // It lists the customer's callbacks (and, without one, every callback to come), edits and deletes.
    let listed = call("GET", format!("/api/callbacks?contact_id={contact}"), None, IVR).await;
    assert_eq!(listed.json.as_array().map(Vec::len), Some(1), "{}", listed.json);
    let all = call("GET", "/api/callbacks".into(), None, IVR).await;
    assert_eq!(all.json[0]["id"], id);
    let moved = call(
        "POST",
        format!("/api/callbacks/{id}/reschedule"),
        Some(json!({"kind": "same_time_next_day"})),
        IVR,
    )
    .await;
    assert_eq!(moved.json["date"], "2026-03-29", "{}", moved.json);
    assert_eq!(
        call("DELETE", format!("/api/callbacks/{id}"), None, IVR).await.status,
        StatusCode::NO_CONTENT
    );

    // A wrong token opens nothing, and the right one opens nothing but callbacks.
    assert_eq!(call("GET", "/api/callbacks".into(), None, WRONG).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(call("GET", "/api/tasks".into(), None, IVR).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        call("GET", "/api/callbacks/choices".into(), None, IVR).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_personal_callback_agreed_in_a_chat_is_linked_from_its_timeline_history_and_task_card() {
    let p = Placing::new().await;
    let (teammate_id, teammate) = p.teammate().await;
    // The agent handles the customer's chat, in which they agree the callback.
    let chat = p.server.start_chat(p.queue, "Jana Nováková").await.conversation_id;
    assert_eq!(p.server.offered(&p.agent).await, [chat]);
    let body = json!({"conversation_ids": [chat]});
    let accepted = p.server.request("POST", "/api/offers/accept", Some(&p.agent), Some(body)).await;
    assert_eq!(accepted.json["accepted"], json!([chat]), "{}", accepted.json);
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contacts ORDER BY id LIMIT 1")
        .fetch_one(&p.server.pool)
        .await
        .unwrap();
    let linked = p
        .server
        .request(
            "PUT",
            &format!("/api/conversations/{chat}/contact"),
            Some(&p.agent),
            Some(json!({"contact_id": contact})),
        )
        .await;
    assert_eq!(linked.status, StatusCode::OK, "{}", linked.json);
    let form = json!({
        "phone": "777 123 456", "name": "Jana Nováková", "date": "2026-03-20", "start": "10:00", "end": "12:00",
        "time_zone": "Europe/Prague", "queue_id": p.queue, "reason": "Router replacement",
        "assignee_id": teammate_id, "contact_id": contact, "conversation_id": chat,
    });
    let created = p.server.request("POST", "/api/callbacks", Some(&p.agent), Some(form)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let callback = created.json["id"].as_i64().unwrap();

    // The chat's timeline shows it agreed, with its window and assignee.
    let timeline =
        p.server.request("GET", &format!("/api/conversations/{chat}/timeline"), Some(&p.agent), None).await;
    let entry = timeline.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "callback")
        .unwrap_or_else(|| panic!("a callback entry: {}", timeline.json))
        .clone();
    assert_eq!(entry["conversation_id"], chat);
    let teammate_name: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(teammate_id)
        .fetch_one(&p.server.pool)
        .await
        .unwrap();
    assert_eq!(entry["body"], format!("2026-03-20 10:00–12:00 Europe/Prague · {teammate_name}"));

    // When it opens, it reaches its assignee alone; the task card says where it was agreed.
    p.clock.set(NOW + HOUR);
    p.server.routing_tick().await;
    let theirs = p.server.sign_in(&teammate).await;
    p.server.go_available(&theirs).await;
    let (_, placed, _, _) = p.callback(callback).await;
    let placed = placed.expect("its call");
    p.accept(&theirs, placed).await;
    let task = p.task(&theirs, placed).await;
    assert_eq!(task["callback"]["reason"], "Router replacement");
    assert_eq!(task["callback"]["agreed_in"]["conversation_id"], chat, "{task}");
    assert_eq!(task["callback"]["agreed_in"]["channel"], "chat");

    // The customer's History marks both ends of the link.
    let history =
        p.server.request("GET", &format!("/api/contacts/{contact}/history"), Some(&theirs), None).await;
    let item = |id: i64| {
        history.json["items"].as_array().unwrap().iter().find(|i| i["conversation_id"] == id).cloned()
    };
    assert_eq!(item(chat).map(|i| i["callbacks_agreed"].clone()), Some(json!(1)), "{}", history.json);
    assert_eq!(item(placed).map(|i| i["callback_call"].clone()), Some(json!(true)), "{}", history.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_the_queue_allows_it_the_agent_cancels_a_ringing_callback_and_wraps_up() {
    let p = Placing::new().await;
    let path = format!("/api/admin/queues/{}/callbacks", p.queue);
    // The policy's own rules, for administrators only.
    let admin = p.server.sign_in("admin").await;
    let stored = p.server.request("GET", &path, Some(&admin), None).await;
    assert_eq!(stored.json, json!({"attempts": 3, "retry_minutes": 10, "agent_may_cancel": false}));
    for (policy, field, rule) in [
        (json!({"attempts": 0, "retry_minutes": 10, "agent_may_cancel": true}), "attempts", "too_small"),
        (json!({"attempts": 11, "retry_minutes": 10, "agent_may_cancel": true}), "attempts", "too_large"),
        (
            json!({"attempts": 3, "retry_minutes": 1441, "agent_may_cancel": true}),
            "retry_minutes",
            "too_large",
        ),
    ] {
        let refused = p.server.request("PUT", &path, Some(&admin), Some(policy)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            (refused.json["field"].as_str(), refused.json["rule"]["kind"].as_str()),
            (Some(field), Some(rule))
        );
    }
    let policy = json!({"attempts": 3, "retry_minutes": 10, "agent_may_cancel": true});
    let by_agent = p.server.request("PUT", &path, Some(&p.agent), Some(policy.clone())).await;
    assert_eq!(by_agent.status, StatusCode::FORBIDDEN);

    let callback = p.schedule("777 123 456", None).await;
    let _line = p.line("777 123 456").await;
    p.clock.set(NOW + HOUR);
    p.server.routing_tick().await;
    let (_, conversation, _, _) = p.callback(callback).await;
    let conversation = conversation.expect("its call");
    p.accept(&p.agent, conversation).await;
    let cancel = format!("/api/conversations/{conversation}/callback/cancel");

    // Not allowed by the queue yet: refused, the customer's phone still rings.
    assert_eq!(p.task(&p.agent, conversation).await["callback"]["cancellable"], false);
    let refused = p.server.request("POST", &cancel, Some(&p.agent), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Allowed: Cancel ends the call, the agent owes the wrap-up, and it is not tried again.
    p.set_policy(policy).await;
    assert_eq!(p.task(&p.agent, conversation).await["callback"]["cancellable"], true);
    let cancelled = p.server.request("POST", &cancel, Some(&p.agent), None).await;
    assert_eq!(cancelled.status, StatusCode::NO_CONTENT, "{}", cancelled.json);
    assert_eq!(
        p.callback(callback).await,
        ("failed".into(), Some(conversation), 1, Some("cancelled".into()))
    );
    assert_eq!(p.task(&p.agent, conversation).await["needs_wrap_up"], true);
    let again = p.server.request("POST", &cancel, Some(&p.agent), None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    p.clock.set(NOW + 2 * HOUR);
    p.server.routing_tick().await;
    assert_eq!(p.callback(callback).await.0, "failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_the_outbound_call_limit_is_reached_the_next_call_is_refused_with_its_reason_code() {
    let mut p = Placing::new().await;
    p.server.state = p.server.state.clone().with_max_outbound_calls(Some(1));
    p.server.router = hovor_server::app(p.server.state.clone(), None).expect("router");
    let (_, teammate) = p.teammate().await;
    let first = p.schedule("777 123 456", None).await;
    let second = p.schedule("777 654 321", None).await;
    let line = p.line("777 123 456").await;
    p.clock.set(NOW + HOUR);
    p.server.routing_tick().await;
    let (_, one, _, _) = p.callback(first).await;
    let one = one.expect("the first call");
    p.accept(&p.agent, one).await;

    // One call going on is the limit: the teammate's Accept of the second is refused and the offer stays.
    let theirs = p.server.sign_in(&teammate).await;
    p.server.go_available(&theirs).await;
    let (_, two, _, _) = p.callback(second).await;
    let two = two.expect("the second call");
    assert_eq!(p.server.offered(&theirs).await, [two]);
    let body = json!({"conversation_ids": [two]});
    let refused = p.server.request("POST", "/api/offers/accept", Some(&theirs), Some(body.clone())).await;
    assert_eq!(
        (refused.status, refused.json["reason"].as_str()),
        (StatusCode::CONFLICT, Some("call_limit_reached")),
        "{}",
        refused.json
    );
    assert_eq!(p.server.offered(&theirs).await, [two]);
    assert_eq!(p.callback(second).await.2, 0, "not dialled");

    // The first call ends: the second may be placed.
    p.decline_and_wrap_up(&line, one).await;
    p.accept(&theirs, two).await;
    assert_eq!(p.callback(second).await.0, "placed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_waiting_in_chat_asks_to_be_called_back_and_the_call_keeps_the_chats_place() {
    let (server, clock) = TestServer::with_voice().await.with_scripted_clock(NOW);
    let queue = server.queue_id(1).await;
    let chat = server.start_chat(queue, "Jana Nováková").await;
    clock.set(NOW + 60_000);
    let later = server.start_chat(queue, "Petr Svoboda").await;
    let ask = |customer: &crate::common::Customer, phone: &str| {
        let (server, cookie) = (&server, customer.cookie.clone());
        let body = json!({"phone": phone});
        async move { server.request("POST", "/api/chat/callback", Some(&cookie), Some(body)).await }
    };

    // The form's phone rule, beside the field; then the callback replaces the chat.
    let refused = ask(&chat, "12345").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (refused.json["field"].as_str(), refused.json["rule"]["kind"].as_str()),
        (Some("phone"), Some("too_short"))
    );
    assert_eq!(ask(&chat, "+420 777123456").await.status, StatusCode::NO_CONTENT);
    let (kind, state, agreed_in, placed): (String, String, Option<i64>, i64) = sqlx::query_as(
        "SELECT kind, state, conversation_id, placed_conversation_id FROM callbacks WHERE phone = '+420 777123456'",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert_eq!(
        (kind.as_str(), state.as_str(), agreed_in),
        ("courtesy", "queued", Some(chat.conversation_id))
    );
    let queued_at = |id: i64| {
        let pool = server.pool.clone();
        async move {
            sqlx::query_as::<_, (i64, String, String)>(
                "SELECT queued_at, status, channel FROM conversations WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    // Its call waits with the chat's time in the queue, ahead of the customer who came a minute later.
    let (call_queued, call_status, channel) = queued_at(placed).await;
    let (chat_queued, chat_status, _) = queued_at(chat.conversation_id).await;
    assert_eq!((call_queued, call_status.as_str(), channel.as_str()), (NOW, "active", "voice"));
    assert_eq!((chat_queued, chat_status.as_str()), (NOW, "ended"));
    assert!(queued_at(later.conversation_id).await.0 > call_queued);
    assert_eq!(ask(&chat, "+420 777123456").await.status, StatusCode::CONFLICT, "the chat has ended");

    // An agent who goes Available is offered the call, and Accept dials the number the customer left.
    let member = server.agent_in(queue).await;
    let agent = server.sign_in(&member).await;
    server.go_available(&agent).await;
    assert!(server.offered(&agent).await.contains(&placed));
    let offers = server.request("GET", "/api/offers", Some(&agent), None).await;
    let offer =
        offers.json.as_array().unwrap().iter().find(|o| o["conversation_id"] == placed).unwrap().clone();
    assert!(offer["callback"]["number"].as_str().unwrap().ends_with("3456"), "{offer}");

    // A queue that takes no calls offers no callback.
    sqlx::query("UPDATE queues SET entry_number = NULL WHERE id = $1")
        .bind(queue)
        .execute(&server.pool)
        .await
        .unwrap();
    let no_calls = ask(&later, "+420 777654321").await;
    assert_eq!(
        (no_calls.status, no_calls.json["reason"].as_str()),
        (StatusCode::CONFLICT, Some("wrong_channel"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_with_a_priority_is_offered_before_earlier_ones_at_the_default() {
    let p = Placing::new().await;
    // The agent steps away while both are scheduled; the ordinary one is older.
    let idle = json!({"state": "idle", "idle_reason": "break"});
    p.server.request("PUT", "/api/me/status", Some(&p.agent), Some(idle)).await;
    let ordinary = p.schedule("777 123 456", None).await;
    let form = json!({
        "phone": "777 654 321", "name": "Petr Svoboda", "date": "2026-03-20", "start": "10:00", "end": "12:00",
        "time_zone": "Europe/Prague", "queue_id": p.queue, "priority": 7,
    });
    let urgent = p.server.request("POST", "/api/callbacks", Some(&p.agent), Some(form)).await;
    assert_eq!(
        (urgent.status, &urgent.json["priority"]),
        (StatusCode::CREATED, &json!(7)),
        "{}",
        urgent.json
    );
    let urgent = urgent.json["id"].as_i64().unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT priority FROM callbacks WHERE id = $1")
        .bind(ordinary)
        .fetch_one(&p.server.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "the default");
    p.clock.set(NOW + HOUR);
    p.server.routing_tick().await;

    // Back and free for one call: the callback with the priority comes first.
    p.server.go_available(&p.agent).await;
    let (_, first, _, _) = p.callback(urgent).await;
    assert_eq!(p.server.offered(&p.agent).await, [first.unwrap()]);
    assert_eq!(p.callback(ordinary).await.0, "queued");
}
