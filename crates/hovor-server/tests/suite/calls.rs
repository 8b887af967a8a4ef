//! Calls through the server, over real UDP on loopback: a phone (a WebRTC client doing what the phone
//! page does) dials a queue's entry point and hears its music, an agent accepts the offer and connects
//! their audio, both hear each other, hold and resume switch what the customer hears, End is refused
//! while on hold, and hanging up ends the conversation.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::voice::{Heard, Phone, Tunes, until};

/// The demo's Technical support entry point (`demo::org::entry_number(1)`), written as a caller would.
const TECHNICAL_SUPPORT: &str = "+420 800 100 102";

/// Dials from `from`; returns the phone, connected to the switch, and its cookie.
async fn dial(server: &TestServer, from: &str) -> (Phone, String) {
    let (mut phone, offer) = Phone::offering(b'C', None);
    let body = json!({"from": from, "to": TECHNICAL_SUPPORT, "sdp": offer});
    let dialled = server.request("POST", "/api/phone/calls", None, Some(body)).await;
    assert_eq!(dialled.status, StatusCode::CREATED, "{}", dialled.json);
    phone.answered(dialled.json["sdp"].as_str().expect("answer"));
    let cookie = dialled.set_cookie.expect("phone cookie");
    let cookie = cookie.split(';').next().expect("cookie pair").to_owned();
    assert!(cookie.starts_with("hovor_phone="), "{cookie}");
    (phone, cookie)
}

async fn conversation_of(server: &TestServer, digits: &str) -> (i64, String) {
    sqlx::query_as("SELECT id, status FROM conversations WHERE channel = 'voice' AND caller_number = $1")
        .bind(digits)
        .fetch_one(&server.pool)
        .await
        .expect("the call's conversation")
}

/// A member of the queue the calls go to, signed in and Available.
async fn available_member(server: &TestServer) -> String {
    let queue = server.queue_id(1).await;
    let username: String = sqlx::query_scalar(
        "SELECT u.username FROM queue_members m JOIN users u ON u.id = m.user_id
         WHERE m.queue_id = $1 AND u.role = 'agent' ORDER BY u.id LIMIT 1",
    )
    .bind(queue)
    .fetch_one(&server.pool)
    .await
    .expect("a member");
    let cookie = server.sign_in(&username).await;
    server.go_available(&cookie).await;
    cookie
}

async fn command(server: &TestServer, agent: &str, id: i64, command: Value) -> Value {
    let answer =
        server.request("POST", &format!("/api/conversations/{id}/call"), Some(agent), Some(command)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    answer.json
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_waits_with_music_is_answered_held_resumed_and_ended() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let (mut customer, phone_cookie) = dial(&server, "+420 777 000 111").await;
    until(&mut [&mut customer], &tunes, "the caller hears the queue's music", |p| {
        p[0].count(Heard::QueueMusic) >= 10
    });
    let (id, status) = conversation_of(&server, "420777000111").await;
    assert_eq!(status, "active");
    let waiting = server.request("GET", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(waiting.json["state"], "waiting", "{}", waiting.json);
    assert_eq!(waiting.json["queue_name"], "Technical support");

    // Offered like a chat, with the caller's number on the popover; accepting answers the call.
    let agent = available_member(&server).await;
    assert_eq!(server.offered(&agent).await, vec![id]);
    let offers = server.request("GET", "/api/offers", Some(&agent), None).await;
    assert_eq!(offers.json[0]["channel"], "voice");
    // The demo's queues protect sensitive data: the caller's number shows its last 4 digits only.
    let shown = offers.json[0]["variables"].to_string();
    assert!(shown.contains("0111") && !shown.contains("777 000"), "{shown}");
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]), "{}", accepted.json);
    let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert_eq!(view.json["call"]["mode"], "connected", "{}", view.json);
    assert!(
        !view.json.to_string().contains("777 000"),
        "the desk sees the masked number only: {}",
        view.json
    );
    assert!(view.json["connected_at"].as_i64().is_some());
    let own = view.json["leg"].as_u64().expect("the agent's leg");

    // The desk connects its audio: each side hears the other.
    let (mut desk, offer) = Phone::offering(b'A', None);
    let path = format!("/api/conversations/{id}/call/audio");
    let joined = server.request("POST", &path, Some(&agent), Some(json!({"sdp": offer}))).await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.json);
    desk.answered(joined.json["sdp"].as_str().unwrap());
    until(&mut [&mut customer, &mut desk], &tunes, "both hear each other", |p| {
        p[0].count(Heard::Party(b'A')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10
    });
    assert_eq!(desk.count(Heard::QueueMusic), 0, "the agent never hears the queue's music");

    // Hold: the customer hears hold music; End is refused until the call is resumed.
    let held = command(&server, &agent, id, json!({"command": "hold"})).await;
    let customer_leg =
        held["call"]["legs"].as_array().unwrap().iter().find(|l| l["role"] == "customer").unwrap();
    assert_eq!(customer_leg["state"], "held");
    until(&mut [&mut customer, &mut desk], &tunes, "the held customer hears music", |p| {
        p[0].count(Heard::HoldMusic) >= 10
    });
    let on_hold = server.request("GET", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(on_hold.json["state"], "on_hold");
    let refused = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&agent), None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.json["reason"], "call_on_hold", "{}", refused.json);
    let again = server
        .request(
            "POST",
            &format!("/api/conversations/{id}/call"),
            Some(&agent),
            Some(json!({"command": "hold"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "holding a held call: {}", again.json);

    command(&server, &agent, id, json!({"command": "resume"})).await;
    let heard_agent = customer.count(Heard::Party(b'A'));
    until(&mut [&mut customer, &mut desk], &tunes, "the customer hears the agent again", |p| {
        p[0].count(Heard::Party(b'A')) >= heard_agent + 10
    });

    // Muted, the agent reaches no one.
    let muted = command(&server, &agent, id, json!({"command": "mute", "muted": true})).await;
    let agent_leg =
        muted["call"]["legs"].as_array().unwrap().iter().find(|l| l["id"] == own).unwrap().clone();
    assert_eq!(agent_leg["muted"], true);
    command(&server, &agent, id, json!({"command": "mute", "muted": false})).await;

    // The desk lets go of its audio (its page reloads): the customer hears hold music, not silence,
    // until the desk connects again, and then the agent again.
    let left = server.request("DELETE", &path, Some(&agent), None).await;
    assert_eq!(left.status, StatusCode::NO_CONTENT, "{}", left.json);
    let music = customer.count(Heard::HoldMusic);
    until(
        &mut [&mut customer, &mut desk],
        &tunes,
        "the customer hears hold music while the desk is away",
        |p| p[0].count(Heard::HoldMusic) >= music + 10,
    );
    let (mut desk, offer) = Phone::offering(b'A', None);
    let joined = server.request("POST", &path, Some(&agent), Some(json!({"sdp": offer}))).await;
    desk.answered(joined.json["sdp"].as_str().unwrap());
    let heard = customer.count(Heard::Party(b'A'));
    until(&mut [&mut customer, &mut desk], &tunes, "the customer hears the desk that came back", |p| {
        p[0].count(Heard::Party(b'A')) >= heard + 10 && p[1].count(Heard::Party(b'C')) >= 10
    });

    // No signing out during a call.
    let sign_out = server.request("DELETE", "/api/session", Some(&agent), None).await;
    assert_eq!(sign_out.status, StatusCode::CONFLICT);
    assert_eq!(sign_out.json["reason"], "on_a_call", "{}", sign_out.json);

    // End: the call and the conversation end together; the phone is told.
    let ended = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&agent), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.json);
    assert_eq!(conversation_of(&server, "420777000111").await.1, "ended");
    let over = server.request("GET", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(over.json["state"], "ended");
    let gone = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert_eq!(gone.json["reason"], "no_call", "{}", gone.json);
    // The call is over (its wrap-up may wait): signing out is allowed again.
    let sign_out = server.request("DELETE", "/api/session", Some(&agent), None).await;
    assert_eq!(sign_out.status, StatusCode::NO_CONTENT, "{}", sign_out.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_who_hangs_up_while_waiting_ends_the_conversation_and_rings_no_one() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let (mut customer, phone_cookie) = dial(&server, "+420 777 000 222").await;
    until(&mut [&mut customer], &tunes, "the caller hears the queue's music", |p| {
        p[0].count(Heard::QueueMusic) >= 5
    });
    let hung_up = server.request("DELETE", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(hung_up.status, StatusCode::NO_CONTENT, "{}", hung_up.json);
    let (id, status) = conversation_of(&server, "420777000222").await;
    assert_eq!(status, "ended");
    let agent = available_member(&server).await;
    assert!(!server.offered(&agent).await.contains(&id), "an abandoned call rang an agent");
    // Hanging up again changes nothing.
    let again = server.request("DELETE", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_number_no_queue_answers_or_a_malformed_one_is_refused_beside_its_field() {
    let server = TestServer::with_voice().await;
    let (_, offer) = Phone::offering(b'C', None);
    for (from, to, field, rule) in [
        ("+420 777 000 333", "+420 800 999 999", "to", "not_an_option"),
        ("call me", TECHNICAL_SUPPORT, "from", "malformed"),
        ("+420 777 000 333", "", "to", "required"),
    ] {
        let body = json!({"from": from, "to": to, "sdp": offer});
        let refused = server.request("POST", "/api/phone/calls", None, Some(body)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
        assert_eq!(refused.json["field"], field);
        assert_eq!(refused.json["rule"]["kind"], rule);
    }
    // Without the phone's cookie there is no call to see or hang up.
    let anonymous = server.request("GET", "/api/phone/call", None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

/// The queue's agents after the first (who takes the calls), signed in, as (cookie, user id).
async fn colleagues(server: &TestServer, count: usize) -> Vec<(String, i64)> {
    let queue = server.queue_id(1).await;
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.username, u.id FROM queue_members m JOIN users u ON u.id = m.user_id
         WHERE m.queue_id = $1 AND u.role = 'agent' ORDER BY u.id LIMIT 10 OFFSET 1",
    )
    .bind(queue)
    .fetch_all(&server.pool)
    .await
    .expect("members");
    let mut signed_in = Vec::new();
    for (username, id) in rows.into_iter().take(count) {
        signed_in.push((server.sign_in(&username).await, id));
    }
    signed_in
}

/// An answered call with the agent's desk audio connected: (customer, desk, agent's cookie, id).
async fn answered_call(server: &TestServer, tunes: &Tunes, from: &str) -> (Phone, Phone, String, i64) {
    let (mut customer, _) = dial(server, from).await;
    let agent = available_member(server).await;
    let id = *server.offered(&agent).await.first().expect("the call is offered");
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]), "{}", accepted.json);
    let mut desk = join_audio(server, &agent, id, b'A').await;
    until(&mut [&mut customer, &mut desk], tunes, "the customer and the agent hear each other", |p| {
        p[0].count(Heard::Party(b'A')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10
    });
    (customer, desk, agent, id)
}

/// A desk connects its headset while the call rings, so that Accept is heard at once; until then
/// it hears nothing and no one hears it. A declined call takes the connection back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ringing_desk_connects_its_headset_and_is_heard_only_once_it_answers() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let (mut customer, _) = dial(&server, "+420 777 000 666").await;
    let agent = available_member(&server).await;
    let id = *server.offered(&agent).await.first().expect("the call is offered");
    let mut desk = join_audio(&server, &agent, id, b'A').await;
    let heard_music = customer.count(Heard::QueueMusic);
    until(&mut [&mut customer, &mut desk], &tunes, "the caller goes on hearing the queue's music", |p| {
        p[0].count(Heard::QueueMusic) >= heard_music + 25
    });
    assert_eq!(desk.count(Heard::Party(b'C')), 0, "a ringing desk hears no one");
    assert_eq!(customer.count(Heard::Party(b'A')), 0, "no one hears a ringing desk");

    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]), "{}", accepted.json);
    until(
        &mut [&mut customer, &mut desk],
        &tunes,
        "answered, both hear each other on that connection",
        |p| p[0].count(Heard::Party(b'A')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10,
    );

    // A second caller rings the desk of a colleague, who connects and declines: the leg is gone, and
    // so is its audio (connecting again is refused).
    let (_second, _) = dial(&server, "+420 777 000 667").await;
    let (colleague, _) = colleagues(&server, 1).await.into_iter().next().expect("a colleague");
    server.go_available(&colleague).await;
    let second = *server.offered(&colleague).await.first().expect("the second call is offered");
    join_audio(&server, &colleague, second, b'B').await;
    let declined =
        server.request("POST", &format!("/api/offers/{second}/decline"), Some(&colleague), None).await;
    assert!(declined.status.is_success(), "{}", declined.json);
    let (_, offer) = Phone::offering(b'B', None);
    let path = format!("/api/conversations/{second}/call/audio");
    let again = server.request("POST", &path, Some(&colleague), Some(json!({"sdp": offer}))).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json);
}

async fn join_audio(server: &TestServer, agent: &str, id: i64, letter: u8) -> Phone {
    let (mut desk, offer) = Phone::offering(letter, None);
    let path = format!("/api/conversations/{id}/call/audio");
    let joined = server.request("POST", &path, Some(agent), Some(json!({"sdp": offer}))).await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.json);
    desk.answered(joined.json["sdp"].as_str().unwrap());
    desk
}

/// The conversation in the agent's task list: (collaborating, needs wrap-up), or None.
async fn task_of(server: &TestServer, agent: &str, id: i64) -> Option<(bool, bool)> {
    let tasks = server.request("GET", "/api/tasks", Some(agent), None).await;
    tasks.json.as_array().unwrap().iter().find(|t| t["id"] == id).map(|t| {
        (t["collaborating"].as_bool().unwrap_or(false), t["needs_wrap_up"].as_bool().unwrap_or(false))
    })
}

fn leg_state(view: &Value, role: &str) -> String {
    let legs = view["call"]["legs"].as_array().unwrap();
    let leg = legs.iter().find(|l| l["role"] == role && l["state"] != "left").expect(role);
    leg["state"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consulted_agent_talks_apart_from_the_held_customer_joins_a_conference_and_takes_over() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let (mut customer, mut desk, agent, id) = answered_call(&server, &tunes, "+420 777 000 444").await;
    let [(second, second_id)] = <[_; 1]>::try_from(colleagues(&server, 1).await).unwrap();

    // Whom a consult may call: the queue's other signed-in agents; anyone else is refused.
    let targets = server
        .request("GET", &format!("/api/conversations/{id}/call/consult-targets"), Some(&agent), None)
        .await;
    let agents = targets.json["agents"].as_array().unwrap();
    let ids: Vec<i64> = agents.iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&second_id) && ids.len() == 1, "only the signed-in colleague: {}", targets.json);
    let outsider: i64 = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'agent' AND id NOT IN (SELECT user_id FROM queue_members WHERE queue_id = $1) LIMIT 1",
    )
    .bind(server.queue_id(1).await)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let path = format!("/api/conversations/{id}/call");
    let refused = server
        .request(
            "POST",
            &path,
            Some(&agent),
            Some(json!({"command": "consult", "to": {"kind": "agent", "user_id": outsider}})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.json["reason"], "unsupported_destination", "{}", refused.json);

    // Consult: the customer is held and hears music; the colleague's desk rings with who asks.
    let consult = command(
        &server,
        &agent,
        id,
        json!({"command": "consult", "to": {"kind": "agent", "user_id": second_id}}),
    )
    .await;
    assert_eq!(consult["call"]["mode"], "consult");
    assert_eq!(leg_state(&consult, "customer"), "held");
    let ringing = server.request("GET", &path, Some(&second), None).await;
    assert_eq!(leg_state(&ringing.json, "consulted"), "ringing");
    // The consult request says who asks: the primary agent's name, number and team.
    let legs = ringing.json["call"]["legs"].as_array().unwrap();
    let primary = legs.iter().find(|l| l["role"] == "primary").unwrap()["user_id"].as_i64().unwrap();
    let (number, team): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT phone_number, team FROM users WHERE id = $1")
            .bind(primary)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert!(number.is_some() && team.is_some(), "the demo's agents have a number and a team");
    let agents = ringing.json["agents"].as_array().unwrap();
    let asker = agents.iter().find(|a| a["user_id"] == primary).expect("the primary agent");
    assert_eq!((&asker["number"], &asker["team"]), (&json!(number), &json!(team)), "{asker}");
    assert_eq!(task_of(&server, &second, id).await, None, "a ringing consult is not a task yet");
    // Transfer and Conference wait until the consulted agent answered.
    let early = server.request("POST", &path, Some(&agent), Some(json!({"command": "transfer"}))).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.json);

    // Answered: the two agents hear each other, the held customer hears neither.
    command(&server, &second, id, json!({"command": "answer"})).await;
    assert_eq!(task_of(&server, &second, id).await, Some((true, false)), "a helper, without a wrap-up");
    let mut helper = join_audio(&server, &second, id, b'B').await;
    let heard = (customer.count(Heard::Party(b'A')), customer.count(Heard::HoldMusic));
    until(
        &mut [&mut customer, &mut desk, &mut helper],
        &tunes,
        "the agents talk apart from the customer",
        |p| {
            p[1].count(Heard::Party(b'B')) >= 10
                && p[2].count(Heard::Party(b'A')) >= 10
                && p[0].count(Heard::HoldMusic) >= heard.1 + 10
        },
    );
    assert_eq!(customer.count(Heard::Party(b'B')), 0, "the held customer never hears the consult");
    assert!(customer.count(Heard::Party(b'A')) <= heard.0 + 3, "nor the agent");

    // Conference: everyone talks; the first agent exits and the consulted one takes control and the
    // conversation, the first owing the wrap-up.
    let conference = command(&server, &agent, id, json!({"command": "conference"})).await;
    assert_eq!(conference["call"]["mode"], "conference");
    assert_eq!(leg_state(&conference, "customer"), "active");
    let exited = command(&server, &agent, id, json!({"command": "exit"})).await;
    assert!(exited["leg"].is_null(), "the agent who exited has no leg: {exited}");
    let view = server.request("GET", &path, Some(&second), None).await;
    assert_eq!(leg_state(&view.json, "primary"), "active", "control passed: {}", view.json);
    assert_eq!(task_of(&server, &agent, id).await, Some((false, true)), "the first agent wraps up");
    assert_eq!(task_of(&server, &second, id).await, Some((false, false)), "the second handles it");
    let (_, status) = conversation_of(&server, "420777000444").await;
    assert_eq!(status, "active");
    let before = customer.count(Heard::Party(b'B'));
    until(&mut [&mut customer, &mut helper], &tunes, "the customer and the new primary talk", |p| {
        p[0].count(Heard::Party(b'B')) >= before + 10
    });
    let ended = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&second), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.json);
    assert_eq!(conversation_of(&server, "420777000444").await.1, "ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consult_ended_by_either_side_goes_back_to_the_customer_and_a_transfer_hands_the_call_over() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let (mut customer, mut desk, agent, id) = answered_call(&server, &tunes, "+420 777 000 555").await;
    let [(second, second_id)] = <[_; 1]>::try_from(colleagues(&server, 1).await).unwrap();
    let consult = json!({"command": "consult", "to": {"kind": "agent", "user_id": second_id}});

    // Declined: the consult is over, the customer still held until the agent resumes.
    command(&server, &agent, id, consult.clone()).await;
    let declined = command(&server, &second, id, json!({"command": "exit"})).await;
    assert!(declined["leg"].is_null());
    let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert_eq!(view.json["call"]["mode"], "connected", "{}", view.json);
    assert!(
        !view.json.to_string().contains("777 000"),
        "the desk sees the masked number only: {}",
        view.json
    );
    command(&server, &agent, id, json!({"command": "resume"})).await;

    // Ended by the primary after an answer: the helper leaves the call and their task list.
    command(&server, &agent, id, consult.clone()).await;
    command(&server, &second, id, json!({"command": "answer"})).await;
    command(&server, &agent, id, json!({"command": "end_consult"})).await;
    assert_eq!(task_of(&server, &second, id).await, None);
    command(&server, &agent, id, json!({"command": "resume"})).await;

    // Transfer after an answer: the consulted agent handles the call with the customer.
    command(&server, &agent, id, consult).await;
    command(&server, &second, id, json!({"command": "answer"})).await;
    let mut helper = join_audio(&server, &second, id, b'B').await;
    let transferred = command(&server, &agent, id, json!({"command": "transfer"})).await;
    assert!(transferred["leg"].is_null());
    assert_eq!(task_of(&server, &agent, id).await, Some((false, true)));
    assert_eq!(task_of(&server, &second, id).await, Some((false, false)));
    let handler: Option<i64> = sqlx::query_scalar("SELECT agent_id FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(handler, Some(second_id));
    let before = (customer.count(Heard::Party(b'B')), helper.count(Heard::Party(b'C')));
    until(&mut [&mut customer, &mut desk, &mut helper], &tunes, "the customer talks to the new agent", |p| {
        p[0].count(Heard::Party(b'B')) >= before.0 + 10 && p[2].count(Heard::Party(b'C')) >= before.1 + 10
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blind_transfer_puts_the_caller_back_in_the_queue_with_its_music_until_the_next_agent_answers() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let (mut customer, mut desk, agent, id) = answered_call(&server, &tunes, "+420 777 000 666").await;
    let [(second, _)] = <[_; 1]>::try_from(colleagues(&server, 1).await).unwrap();
    server.go_available(&second).await;

    // Transferred back to its queue: the first agent leaves the call and owes the wrap-up.
    let path = format!("/api/conversations/{id}/transfer");
    let body = json!({"queue_id": server.queue_id(1).await, "note": "Billing question"});
    let transferred = server.request("POST", &path, Some(&agent), Some(body)).await;
    assert_eq!(transferred.status, StatusCode::NO_CONTENT, "{}", transferred.json);
    assert_eq!(task_of(&server, &agent, id).await, Some((false, true)), "the first agent wraps up");
    let music = customer.count(Heard::QueueMusic);
    until(&mut [&mut customer, &mut desk], &tunes, "the caller waits with the queue's music", |p| {
        p[0].count(Heard::QueueMusic) >= music + 10
    });
    let phone = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&second), None).await;
    assert_eq!(phone.json["call"]["mode"], "waiting", "{}", phone.json);

    assert!(server.offered(&second).await.contains(&id), "routing rings the next agent");
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&second), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]), "{}", accepted.json);
    let mut helper = join_audio(&server, &second, id, b'B').await;
    let before = customer.count(Heard::Party(b'B'));
    until(&mut [&mut customer, &mut helper], &tunes, "the caller and the next agent talk", |p| {
        p[0].count(Heard::Party(b'B')) >= before + 10 && p[1].count(Heard::Party(b'C')) >= 10
    });
}

/// The phone page's line for `number`: its cookie.
async fn open_line(server: &TestServer, number: &str) -> String {
    let opened = server.request("POST", "/api/phone/lines", None, Some(json!({"number": number}))).await;
    assert_eq!(opened.status, StatusCode::NO_CONTENT, "{}", opened.json);
    let cookie = opened.set_cookie.expect("line cookie");
    cookie.split(';').next().expect("cookie pair").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_call_rings_the_contacts_phone_which_answers_into_the_call_or_declines_it() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let agent = server.sign_in("agent1").await;
    // One of the agent's conversations whose customer has a default phone.
    let (parent, number): (i64, String) = sqlx::query_as(
        "SELECT c.id, p.value FROM conversations c JOIN activities a ON a.conversation_id = c.id
         JOIN users u ON u.id = a.agent_id
         JOIN contact_points p ON p.contact_id = c.contact_id AND p.kind = 'phone' AND p.is_default = 1
         WHERE u.username = 'agent1' AND c.status = 'active' AND a.wrapped_up_at IS NULL ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&server.pool)
    .await
    .expect("a conversation with a callable customer");
    let line = open_line(&server, &number).await;
    let elsewhere = open_line(&server, "+420 600 000 001").await;

    let start = format!("/api/conversations/{parent}/outbound");
    let placed = server.request("POST", &start, Some(&agent), Some(json!({"channel": "voice"}))).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.json);
    let id = placed.json["id"].as_i64().unwrap();
    let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert_eq!(view.json["call"]["mode"], "waiting", "{}", view.json);
    assert_eq!(leg_state(&view.json, "customer"), "ringing");
    let mut desk = join_audio(&server, &agent, id, b'A').await;

    // Only the phone on the called number can answer; it becomes the call's customer.
    let (mut phone, offer) = Phone::offering(b'C', None);
    let answer_path = format!("/api/phone/incoming/{id}/answer");
    let wrong = server.request("POST", &answer_path, Some(&elsewhere), Some(json!({"sdp": offer}))).await;
    assert_eq!(wrong.status, StatusCode::CONFLICT, "{}", wrong.json);
    assert_eq!(wrong.json["reason"], "no_call");
    let anonymous = server.request("POST", &answer_path, None, Some(json!({"sdp": offer}))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let answered = server.request("POST", &answer_path, Some(&line), Some(json!({"sdp": offer}))).await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);
    phone.answered(answered.json["sdp"].as_str().unwrap());
    let phone_cookie = answered.set_cookie.expect("the call's cookie");
    let phone_cookie = phone_cookie.split(';').next().unwrap().to_owned();
    until(&mut [&mut phone, &mut desk], &tunes, "the customer and the agent hear each other", |p| {
        p[0].count(Heard::Party(b'A')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10
    });
    let on_phone = server.request("GET", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(on_phone.json["state"], "connected", "{}", on_phone.json);
    let dialling: i64 = sqlx::query_scalar("SELECT dialling FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(dialling, 0, "answered: no longer dialling");
    let ended = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&agent), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.json);
    let over = server.request("GET", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(over.json["state"], "ended");

    // Declined: the call and its conversation end.
    let wrapped = server.request("GET", "/api/tasks", Some(&agent), None).await;
    assert!(wrapped.json.as_array().unwrap().iter().any(|t| t["id"] == id));
    let again = server.request("POST", &start, Some(&agent), Some(json!({"channel": "voice"}))).await;
    let second = again.json["id"].as_i64().unwrap();
    let declined =
        server.request("POST", &format!("/api/phone/incoming/{second}/decline"), Some(&line), None).await;
    assert_eq!(declined.status, StatusCode::NO_CONTENT, "{}", declined.json);
    let status: String = sqlx::query_scalar("SELECT status FROM conversations WHERE id = $1")
        .bind(second)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(status, "ended");
}

/// The recording's file decoded: 20 ms frames of 48 kHz samples, and whether its stream was closed.
fn decode_recording(bytes: &[u8]) -> (Vec<[i16; 960]>, bool) {
    let mut reader = ogg::PacketReader::new(std::io::Cursor::new(bytes));
    let mut decoder = opus::Decoder::new(48_000, opus::Channels::Mono).unwrap();
    let (mut frames, mut closed, mut headers) = (Vec::new(), false, 0);
    while let Ok(Some(packet)) = reader.read_packet() {
        if headers < 2 {
            headers += 1;
            continue;
        }
        let mut pcm = [0i16; 960];
        let n = decoder.decode(&packet.data, &mut pcm, false).unwrap();
        assert_eq!(n, 960, "every packet is 20 ms");
        frames.push(pcm);
        closed = packet.last_in_stream();
    }
    (frames, closed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dialling_a_number_rings_its_phone_from_the_agents_calling_queue_and_finds_its_contact() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let agent = server.sign_in("agent1").await;

    let malformed =
        server.request("POST", "/api/calls", Some(&agent), Some(json!({"number": "call me"}))).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", malformed.json);
    assert_eq!(malformed.json["field"], "number", "{}", malformed.json);
    let admin = server.sign_in("admin").await;
    sqlx::query("DELETE FROM queue_members WHERE user_id = (SELECT id FROM users WHERE username = 'admin')")
        .execute(&server.pool)
        .await
        .unwrap();
    let no_queue =
        server.request("POST", "/api/calls", Some(&admin), Some(json!({"number": "+420 600 000 003"}))).await;
    assert_eq!(no_queue.status, StatusCode::CONFLICT, "{}", no_queue.json);
    assert_eq!(no_queue.json["reason"], "no_calling_queue");
    let anonymous =
        server.request("POST", "/api/calls", None, Some(json!({"number": "+420 600 000 003"}))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // A number no contact has: the call is the agent's, from a queue of theirs that takes calls.
    let number = "+420 600 000 003";
    let line = open_line(&server, number).await;
    let dialled = server.request("POST", "/api/calls", Some(&agent), Some(json!({"number": number}))).await;
    assert_eq!(dialled.status, StatusCode::CREATED, "{}", dialled.json);
    assert_eq!(dialled.json["channel"], "voice", "{}", dialled.json);
    let id = dialled.json["id"].as_i64().unwrap();
    let (contact, calling_queue): (Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT c.contact_id, q.entry_number FROM conversations c JOIN queues q ON q.id = c.queue_id
         JOIN queue_members m ON m.queue_id = q.id JOIN users u ON u.id = m.user_id
         WHERE c.id = $1 AND u.username = 'agent1' AND c.direction = 'outbound'",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert_eq!(contact, None);
    assert!(calling_queue.is_some(), "dialled from a queue that takes calls");
    let mut desk = join_audio(&server, &agent, id, b'A').await;
    let (mut phone, offer) = Phone::offering(b'C', None);
    let answered = server
        .request(
            "POST",
            &format!("/api/phone/incoming/{id}/answer"),
            Some(&line),
            Some(json!({"sdp": offer})),
        )
        .await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);
    phone.answered(answered.json["sdp"].as_str().unwrap());
    until(&mut [&mut phone, &mut desk], &tunes, "the dialled number and the agent hear each other", |p| {
        p[0].count(Heard::Party(b'A')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10
    });

    // A contact's phone, written as stored: the call is linked to that contact.
    let (contact_id, known): (i64, String) = sqlx::query_as(
        "SELECT p.contact_id, p.value FROM contact_points p JOIN contacts c ON c.id = p.contact_id
         WHERE p.kind = 'phone' AND c.merged_into IS NULL ORDER BY p.contact_id LIMIT 1",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let dialled = server.request("POST", "/api/calls", Some(&agent), Some(json!({"number": known}))).await;
    assert_eq!(dialled.status, StatusCode::CREATED, "{}", dialled.json);
    let linked: Option<i64> = sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(dialled.json["id"].as_i64().unwrap())
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(linked, Some(contact_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_call_is_one_ogg_opus_file_silent_while_paused_and_heard_only_by_those_who_may_see_it() {
    use hovor_server::voice::tone::share;
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    // The demo's Technical support records its calls; a pause lasts a second here.
    sqlx::query("UPDATE queues SET recording_pause_s = 1 WHERE id = $1")
        .bind(server.queue_id(1).await)
        .execute(&server.pool)
        .await
        .unwrap();
    let (mut customer, offer) = Phone::offering(b'C', Some(660.0));
    let body = json!({"from": "+420 777 000 777", "to": TECHNICAL_SUPPORT, "sdp": offer});
    let dialled = server.request("POST", "/api/phone/calls", None, Some(body)).await;
    customer.answered(dialled.json["sdp"].as_str().unwrap());
    let agent = available_member(&server).await;
    let id = *server.offered(&agent).await.first().expect("offered");
    server.request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]}))).await;
    let (mut desk, offer) = Phone::offering(b'A', Some(440.0));
    let joined = server
        .request(
            "POST",
            &format!("/api/conversations/{id}/call/audio"),
            Some(&agent),
            Some(json!({"sdp": offer})),
        )
        .await;
    desk.answered(joined.json["sdp"].as_str().unwrap());
    let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert_eq!(view.json["call"]["recording"]["state"], "on", "{}", view.json);

    // Two seconds of the call, a pause that ends by itself after a second, two seconds more, End.
    let heard = |p: &[&mut Phone]| p[1].received();
    until(&mut [&mut customer, &mut desk], &tunes, "two seconds of the call", |p| heard(p) >= 100);
    let paused = command(&server, &agent, id, json!({"command": "pause_recording"})).await;
    assert_eq!(paused["call"]["recording"]["state"], "paused", "{paused}");
    let mark = desk.received();
    until(&mut [&mut customer, &mut desk], &tunes, "three seconds more", |p| heard(p) >= mark + 150);
    let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert_eq!(view.json["call"]["recording"]["state"], "on", "the pause ended by itself: {}", view.json);
    let ended = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&agent), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.json);

    // Listed on the conversation, and played only by those who may see it.
    let listed =
        server.request("GET", &format!("/api/conversations/{id}/recordings"), Some(&agent), None).await;
    let recording = listed.json[0].clone();
    assert!(recording["ended_at"].as_i64().is_some(), "{}", listed.json);
    let audio_path = format!("/api/recordings/{}/audio", recording["id"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let (frames, bytes) = loop {
        let audio = server.request_bytes("GET", &audio_path, Some(&agent)).await;
        assert_eq!(audio.0, StatusCode::OK);
        let (frames, closed) = decode_recording(&audio.1);
        if closed {
            break (frames, audio.1);
        }
        assert!(std::time::Instant::now() < deadline, "the recording's file was never closed");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let outsider = server.sign_in(&server.agent_outside(server.queue_id(1).await).await).await;
    assert_eq!(server.request_bytes("GET", &audio_path, Some(&outsider)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(server.request_bytes("GET", &audio_path, None).await.0, StatusCode::UNAUTHORIZED);
    let timeline =
        server.request("GET", &format!("/api/conversations/{id}/timeline"), Some(&agent), None).await;
    let entries = timeline.json["entries"].as_array().expect("entries");
    let on_timeline = entries.iter().any(|e| e["kind"] == "recording" && e["id"] == recording["id"]);
    assert!(on_timeline, "the recording is on the conversation's timeline: {}", timeline.json);

    // The file lasts as long as the call was connected, both voices in it, and one silent stretch of
    // about the pause's second.
    let length_ms = frames.len() as i64 * 20;
    let call_ms = recording["ended_at"].as_i64().unwrap() - recording["started_at"].as_i64().unwrap();
    assert!((length_ms - call_ms).abs() <= 400, "{length_ms} ms of audio for a {call_ms} ms call");
    let windows: Vec<(f64, f64, bool)> = frames
        .chunks(5)
        .map(|w| {
            let samples: Vec<i16> = w.iter().flatten().copied().collect();
            let loud = samples.iter().any(|s| s.unsigned_abs() > 500);
            (share(&samples, 440.0), share(&samples, 660.0), loud)
        })
        .collect();
    let voiced = windows.iter().filter(|(a, c, _)| *a > 0.1 && *c > 0.1).count();
    assert!(
        voiced * 10 >= windows.len() * 6,
        "both voices through most of it: {voiced} of {}",
        windows.len()
    );
    let mut longest_silence = 0;
    let mut run = 0;
    for (_, _, loud) in &windows {
        run = if *loud { 0 } else { run + 1 };
        longest_silence = longest_silence.max(run);
    }
    let silent_ms = longest_silence * 100;
    assert!((800..=1600).contains(&silent_ms), "the pause is {silent_ms} ms of silence");
    assert!(bytes.starts_with(b"OggS"));
}

/// Consults or transfers to numbers: the line's news (a `ring`, then `state`s) until `state` (or the
/// ring, for "ring"); the news itself.
async fn line_news_until(news: &mut crate::common::EventStream, id: i64, state: &str) -> Value {
    loop {
        let event = news.next_within(std::time::Duration::from_secs(15)).await.expect("the line's news");
        let envelope: Value = serde_json::from_str(&event.data).unwrap();
        assert_eq!(event.id, envelope["id"].as_i64(), "resumable: {envelope}");
        let (kind, data) = envelope["event"].as_object().and_then(|e| e.iter().next()).expect("one kind");
        if data["conversation_id"] == id && ((kind == "ring" && state == "ring") || data["state"] == state) {
            return data.clone();
        }
    }
}

fn consult_number(number: &str) -> Value {
    json!({"command": "consult", "to": {"kind": "number", "number": number}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consulted_number_rings_its_phone_talks_apart_from_the_customer_and_takes_the_call_over() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let (mut customer, mut desk, agent, id) = answered_call(&server, &tunes, "+420 777 000 777").await;
    let path = format!("/api/conversations/{id}/call");

    // A number no phone has, or no number at all: refused, and the call goes on as it was.
    let nobody = server.request("POST", &path, Some(&agent), Some(consult_number("+420 600 999 999"))).await;
    assert_eq!(nobody.status, StatusCode::CONFLICT);
    assert_eq!(nobody.json["reason"], "unsupported_destination", "{}", nobody.json);
    let malformed = server.request("POST", &path, Some(&agent), Some(consult_number("call me"))).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.json["field"], "number", "{}", malformed.json);
    let view = server.request("GET", &path, Some(&agent), None).await;
    assert_eq!(view.json["call"]["mode"], "connected");

    // The number's phone rings on its line, as a number, and answers without becoming the customer.
    let line = open_line(&server, "+420 600 555 000").await;
    let mut news = server.stream("/api/phone/line", &line, None).await;
    let consult = command(&server, &agent, id, consult_number("+420 600 555 000")).await;
    assert_eq!(consult["call"]["mode"], "consult");
    assert_eq!(leg_state(&consult, "customer"), "held");
    let ring = line_news_until(&mut news, id, "ring").await;
    assert_eq!(ring["party"], "number", "{ring}");
    // A page that opens the same number later cannot read back a ring it was not there for.
    let late = open_line(&server, "+420 600 555 000").await;
    let mut replay = server.stream("/api/phone/line", &late, Some(0)).await;
    let replayed = replay.next_within(std::time::Duration::from_millis(500)).await;
    assert!(replayed.as_ref().is_none_or(|e| !e.data.contains(r#""ring""#)), "replayed: {replayed:?}");
    let (mut number, offer) = Phone::offering(b'N', None);
    let answer_path = format!("/api/phone/incoming/{id}/answer");
    let answered = server.request("POST", &answer_path, Some(&line), Some(json!({"sdp": offer}))).await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);
    assert!(answered.set_cookie.is_none(), "a number gets no customer's cookie");
    number.answered(answered.json["sdp"].as_str().unwrap());
    line_news_until(&mut news, id, "connected").await;
    let held = customer.count(Heard::HoldMusic);
    until(&mut [&mut customer, &mut desk, &mut number], &tunes, "the agent and the number talk", |p| {
        p[1].count(Heard::Party(b'N')) >= 10
            && p[2].count(Heard::Party(b'A')) >= 10
            && p[0].count(Heard::HoldMusic) >= held + 10
    });
    assert_eq!(customer.count(Heard::Party(b'N')), 0, "the held customer never hears the consult");

    // Transfer: the number takes the customer, and the agent's part ends with a wrap-up.
    let transferred = command(&server, &agent, id, json!({"command": "transfer"})).await;
    assert!(transferred["leg"].is_null());
    assert_eq!(task_of(&server, &agent, id).await, Some((false, true)), "the agent wraps up");
    let (status, handler): (String, Option<i64>) =
        sqlx::query_as("SELECT status, agent_id FROM conversations WHERE id = $1")
            .bind(id)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!(status, "ended", "the call left Hovor: its conversation is over for the desk");
    assert!(handler.is_some());
    let before = (customer.count(Heard::Party(b'N')), number.count(Heard::Party(b'C')));
    until(&mut [&mut customer, &mut number], &tunes, "the customer and the number talk", |p| {
        p[0].count(Heard::Party(b'N')) >= before.0 + 10 && p[1].count(Heard::Party(b'C')) >= before.1 + 10
    });

    // The number hangs up: the call is over for everyone.
    let hang_up = format!("/api/phone/incoming/{id}/hang-up");
    let hung_up = server.request("POST", &hang_up, Some(&line), None).await;
    assert_eq!(hung_up.status, StatusCode::NO_CONTENT, "{}", hung_up.json);
    line_news_until(&mut news, id, "ended").await;
    let again = server.request("POST", &hang_up, Some(&line), None).await;
    assert_eq!(again.json["reason"], "no_call", "{}", again.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consult_to_a_queue_rings_its_free_agent_and_a_blind_transfer_sends_the_caller_to_a_number() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let (mut customer, _desk, agent, id) = answered_call(&server, &tunes, "+420 777 000 888").await;
    let [(second, second_id)] = <[_; 1]>::try_from(colleagues(&server, 1).await).unwrap();
    server.go_available(&second).await;
    let queue = server.queue_id(1).await;

    // The queue is listed while a free agent of it is Available, and a consult to it rings that agent.
    let targets = server
        .request("GET", &format!("/api/conversations/{id}/call/consult-targets"), Some(&agent), None)
        .await;
    let queues = targets.json["queues"].as_array().unwrap();
    assert!(queues.iter().any(|q| q["id"] == queue), "{}", targets.json);
    let to_queue = json!({"command": "consult", "to": {"kind": "queue", "queue_id": queue}});
    let consult = command(&server, &agent, id, to_queue.clone()).await;
    let legs = consult["call"]["legs"].as_array().unwrap();
    let consulted = legs.iter().find(|l| l["role"] == "consulted").expect("a consulted leg");
    assert_eq!(consulted["user_id"], second_id, "{consult}");
    command(&server, &second, id, json!({"command": "exit"})).await;
    command(&server, &agent, id, json!({"command": "resume"})).await;
    // No free agent left in the queue (the colleague is no longer available): refused.
    let idle = server
        .request(
            "PUT",
            "/api/me/status",
            Some(&second),
            Some(json!({"state": "idle", "idle_reason": "lunch"})),
        )
        .await;
    assert!(idle.status.is_success(), "{}", idle.json);
    let none =
        server.request("POST", &format!("/api/conversations/{id}/call"), Some(&agent), Some(to_queue)).await;
    assert_eq!(none.json["reason"], "unsupported_destination", "{}", none.json);

    // Blind transfer to a number: the agent's part ends at once; the caller waits for it to answer.
    let line = open_line(&server, "+420 600 555 001").await;
    let mut news = server.stream("/api/phone/line", &line, None).await;
    let transfer = format!("/api/conversations/{id}/transfer");
    let body = json!({"number": "+420 600 555 001", "note": ""});
    let transferred = server.request("POST", &transfer, Some(&agent), Some(body)).await;
    assert_eq!(transferred.status, StatusCode::NO_CONTENT, "{}", transferred.json);
    assert_eq!(task_of(&server, &agent, id).await, Some((false, true)), "the agent wraps up");
    let ring = line_news_until(&mut news, id, "ring").await;
    assert_eq!(ring["party"], "number");
    let (mut number, offer) = Phone::offering(b'N', None);
    let answer_path = format!("/api/phone/incoming/{id}/answer");
    let answered = server.request("POST", &answer_path, Some(&line), Some(json!({"sdp": offer}))).await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);
    number.answered(answered.json["sdp"].as_str().unwrap());
    until(&mut [&mut customer, &mut number], &tunes, "the caller and the number talk", |p| {
        p[0].count(Heard::Party(b'N')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consult_nobody_answers_stops_ringing_after_the_queues_rona_time() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    server.set_routing(server.queue_id(1).await, json!({"rona_seconds": 3})).await;
    let (_customer, _desk, agent, id) = answered_call(&server, &tunes, "+420 777 000 999").await;
    let [(second, second_id)] = <[_; 1]>::try_from(colleagues(&server, 1).await).unwrap();
    let started = std::time::Instant::now();
    let consult = json!({"command": "consult", "to": {"kind": "agent", "user_id": second_id}});
    assert_eq!(command(&server, &agent, id, consult).await["call"]["mode"], "consult");
    let view = loop {
        let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
        if view.json["call"]["mode"] != "consult" {
            break view.json;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(15), "the consult never stopped ringing");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(started.elapsed() >= std::time::Duration::from_millis(2900), "it rang the queue's RONA time");
    assert_eq!(view["call"]["mode"], "connected", "{view}");
    assert_eq!(leg_state(&view, "customer"), "held", "the agent takes the customer back themselves");
    let consulted =
        view["call"]["legs"].as_array().unwrap().iter().find(|l| l["user_id"] == second_id).cloned();
    assert_eq!(consulted.expect("the colleague's leg")["state"], "left");
    assert_eq!(task_of(&server, &second, id).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_sets_whether_a_queue_records_its_calls_and_the_next_call_follows() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let admin = server.sign_in("admin").await;
    let queue = server.queue_id(1).await;
    let queues = server.request("GET", "/api/admin/queues", Some(&admin), None).await;
    let listed = queues.json.as_array().unwrap().iter().find(|q| q["id"] == queue).cloned().expect("listed");
    assert!(listed["entry_number"].is_string(), "{listed}");
    let path = format!("/api/admin/queues/{queue}/recording");
    let now = server.request("GET", &path, Some(&admin), None).await;
    assert_eq!(
        now.json,
        json!({"record_calls": true, "pause_seconds": 30}),
        "the demo records support calls"
    );

    let agent = server.sign_in("agent1").await;
    let refused = server
        .request("PUT", &path, Some(&agent), Some(json!({"record_calls": false, "pause_seconds": 30})))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let too_short = server
        .request("PUT", &path, Some(&admin), Some(json!({"record_calls": false, "pause_seconds": 2})))
        .await;
    assert_eq!(too_short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_short.json["field"], "pause_seconds", "{}", too_short.json);
    let set = server
        .request("PUT", &path, Some(&admin), Some(json!({"record_calls": false, "pause_seconds": 45})))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.json);
    let again = server.request("GET", &path, Some(&admin), None).await;
    assert_eq!(again.json, json!({"record_calls": false, "pause_seconds": 45}));

    // The next call into the queue is not recorded.
    let (_customer, _desk, agent, id) = answered_call(&server, &tunes, "+420 777 000 321").await;
    let view = server.request("GET", &format!("/api/conversations/{id}/call"), Some(&agent), None).await;
    assert_eq!(view.json["call"]["recording"]["state"], "off", "{}", view.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_customer_calls_us_from_the_page_and_the_call_carries_the_chats_identity_and_trail() {
    let server = TestServer::with_voice().await;
    let tunes = Tunes::load();
    let queue = server.queue_id(1).await;
    let chat = server.start_chat(queue, "Jana Nováková").await;
    let action =
        json!({"kind": "article_viewed", "detail": "Resetting the router", "at": hovor_server::db::now_ms()});
    let reported = server.request("POST", "/api/chat/self-service", Some(&chat.cookie), Some(action)).await;
    assert_eq!(reported.status, StatusCode::NO_CONTENT, "{}", reported.json);

    let (mut phone, offer) = Phone::offering(b'C', None);
    let anonymous = server.request("POST", "/api/chat/call", None, Some(json!({"sdp": offer}))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let called =
        server.request("POST", "/api/chat/call", Some(&chat.cookie), Some(json!({"sdp": offer}))).await;
    assert_eq!(called.status, StatusCode::CREATED, "{}", called.json);
    phone.answered(called.json["sdp"].as_str().unwrap());
    let cookie = called.set_cookie.expect("the call's cookie");
    assert!(cookie.starts_with("hovor_phone=") && cookie.contains("HttpOnly"), "{cookie}");
    let phone_cookie = cookie.split(';').next().unwrap().to_owned();

    // A call of its own in the chat's queue, with the chat's name, survey answers and trail.
    let (id, name): (i64, Option<String>) = sqlx::query_as(
        "SELECT id, customer_name FROM conversations WHERE channel = 'voice' AND queue_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(queue)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert_ne!(id, chat.conversation_id);
    assert_eq!(name.as_deref(), Some("Jana Nováková"));
    let count = |sql: &'static str, conversation: i64| {
        let pool = server.pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).bind(conversation).fetch_one(&pool).await.unwrap() }
    };
    let answers = "SELECT COUNT(*) FROM survey_answers WHERE conversation_id = $1";
    assert_eq!(count(answers, id).await, count(answers, chat.conversation_id).await);
    assert!(count(answers, id).await >= 2);
    let trail = "SELECT COUNT(*) FROM self_service_actions WHERE conversation_id = $1";
    assert_eq!(count(trail, id).await, 1);
    until(&mut [&mut phone], &tunes, "the caller waits with the queue's music", |p| {
        p[0].count(Heard::QueueMusic) >= 10
    });
    let waiting = server.request("GET", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(waiting.json["state"], "waiting", "{}", waiting.json);

    // Offered and answered like any call.
    let agent = available_member(&server).await;
    assert!(server.offered(&agent).await.contains(&id), "the call is offered");
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]), "{}", accepted.json);
    let mut desk = join_audio(&server, &agent, id, b'A').await;
    until(&mut [&mut phone, &mut desk], &tunes, "the customer and the agent hear each other", |p| {
        p[0].count(Heard::Party(b'A')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10
    });
    let hung_up = server.request("DELETE", "/api/phone/call", Some(&phone_cookie), None).await;
    assert_eq!(hung_up.status, StatusCode::NO_CONTENT);
}
