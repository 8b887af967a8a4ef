//! A call across two instances on one PostgreSQL database, as a load balancer spreads requests: the
//! customer dials one, the agent's desk and a consulted number's phone reach the other, and every
//! request about the call is answered by the instance whose media switch carries it, while each
//! party's audio flows to that switch.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::binary::{EventIds, KillOnDrop, call, free_port, open_stream, sign_in, start_with};
use crate::database::TestDatabase;
use crate::voice::{Heard, Phone, Tunes, until};

const TECHNICAL_SUPPORT: &str = "+420 800 100 102";

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

fn query<T: Send + Unpin>(url: &str, sql: &'static str, bind: &str) -> T
where
    for<'r> (T,): sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    block_on(async {
        let pool = hovor_server::db::connect(url).await.unwrap();
        let (value,): (T,) = sqlx::query_as(sql).bind(bind.to_owned()).fetch_one(&pool).await.unwrap();
        pool.close().await;
        value
    })
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON: {body}"))
}

/// A request that must succeed with `status`; its JSON body (null when empty).
fn ok(port: u16, method: &str, path: &str, cookie: Option<&str>, body: Option<Value>, status: u16) -> Value {
    let (got, _, answer) = call(port, method, path, cookie, body.as_ref());
    assert_eq!(got, status, "{method} {path}: {answer}");
    if answer.is_empty() { Value::Null } else { json_of(&answer) }
}

#[test]
fn a_call_works_whichever_instance_each_side_reached() {
    let database = TestDatabase::postgres();
    let recordings = tempfile::tempdir().unwrap();
    let flags = ["--recordings", recordings.path().to_str().unwrap()];
    let (port_a, port_b) = (free_port(), free_port());
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| start_with(port_a, &database.url, &flags));
        let b = s.spawn(|| start_with(port_b, &database.url, &flags));
        (a.join().unwrap(), b.join().unwrap())
    });
    let (_a, _b) = (KillOnDrop(a), KillOnDrop(b));
    let tunes = Tunes::load();

    // The customer dials through A: A's switch carries the call.
    let (mut customer, offer) = Phone::offering(b'C', None);
    let dial = json!({"from": "+420 777 000 901", "to": TECHNICAL_SUPPORT, "sdp": offer});
    let (status, phone, answer) = call(port_a, "POST", "/api/phone/calls", None, Some(&dial));
    assert_eq!(status, 201, "{answer}");
    customer.answered(json_of(&answer)["sdp"].as_str().unwrap());
    let phone = phone.expect("the phone's cookie");

    // An agent of the queue works through B.
    let username: String = query(
        &database.url,
        "SELECT u.username FROM queue_members m JOIN users u ON u.id = m.user_id
         JOIN queues q ON q.id = m.queue_id WHERE q.entry_number = $1 AND u.role = 'agent' ORDER BY u.id LIMIT 1",
        "420800100102",
    );
    let agent = sign_in(port_b, &username);
    ok(port_b, "PUT", "/api/me/status", Some(&agent), Some(json!({"state": "available"})), 200);
    let deadline = Instant::now() + Duration::from_secs(15);
    let id = loop {
        let offers = ok(port_b, "GET", "/api/offers", Some(&agent), None, 200);
        if let Some(id) = offers.as_array().unwrap().iter().find_map(|o| o["conversation_id"].as_i64()) {
            break id;
        }
        assert!(Instant::now() < deadline, "the call was not offered");
        std::thread::sleep(Duration::from_millis(50));
    };
    let host: String = query(
        &database.url,
        "SELECT call_host FROM conversations WHERE id = CAST($1 AS BIGINT)",
        &id.to_string(),
    );
    assert!(host.ends_with(&format!(":{port_a}")), "A holds the call: {host}");

    // The desk connects its headset while the call rings, and accepts, both through B.
    let (mut desk, offer) = Phone::offering(b'A', None);
    let audio = format!("/api/conversations/{id}/call/audio");
    let joined = ok(port_b, "POST", &audio, Some(&agent), Some(json!({"sdp": offer})), 201);
    desk.answered(joined["sdp"].as_str().unwrap());
    let accepted =
        ok(port_b, "POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})), 200);
    assert_eq!(accepted["accepted"], json!([id]), "{accepted}");
    until(&mut [&mut customer, &mut desk], &tunes, "the customer and the agent hear each other", |p| {
        p[0].count(Heard::Party(b'A')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10
    });

    // Hold through B: the customer hears the hold music, and the phone's state read through B says so.
    let control = format!("/api/conversations/{id}/call");
    let held = ok(port_b, "POST", &control, Some(&agent), Some(json!({"command": "hold"})), 200);
    let customer_leg =
        held["call"]["legs"].as_array().unwrap().iter().find(|l| l["role"] == "customer").cloned();
    assert_eq!(customer_leg.unwrap()["state"], "held", "{held}");
    let music = customer.count(Heard::HoldMusic);
    until(&mut [&mut customer, &mut desk], &tunes, "the held customer hears the music", |p| {
        p[0].count(Heard::HoldMusic) >= music + 10
    });
    let on_phone = ok(port_b, "GET", "/api/phone/call", Some(&phone), None, 200);
    assert_eq!(on_phone["state"], "on_hold", "{on_phone}");
    ok(port_b, "POST", &control, Some(&agent), Some(json!({"command": "resume"})), 200);

    // A consult to a number whose phone listens on B: A rings it through the database, and the
    // number answers through B.
    let (status, line, answer) =
        call(port_b, "POST", "/api/phone/lines", None, Some(&json!({"number": "+420 600 123 456"})));
    assert_eq!(status, 204, "{answer}");
    let line = line.expect("the line's cookie");
    let mut news = EventIds::new(open_stream(port_b, "/api/phone/line", &line, None));
    news.established(Duration::from_secs(10));
    let consult = json!({"command": "consult", "to": {"kind": "number", "number": "+420 600 123 456"}});
    let consulting = ok(port_b, "POST", &control, Some(&agent), Some(consult), 200);
    assert_eq!(consulting["call"]["mode"], "consult", "{consulting}");
    let rang = format!(r#"{{"ring":{{"conversation_id":{id},"#);
    news.read_until_text(Duration::from_secs(15), |text| text.contains(&rang));
    assert!(news.text.contains(&rang), "the number's phone rang on B: {}", news.text);
    let (mut number, offer) = Phone::offering(b'N', None);
    let incoming = format!("/api/phone/incoming/{id}/answer");
    let answered = ok(port_b, "POST", &incoming, Some(&line), Some(json!({"sdp": offer})), 201);
    number.answered(answered["sdp"].as_str().unwrap());
    until(&mut [&mut customer, &mut desk, &mut number], &tunes, "the agent and the number talk", |p| {
        p[1].count(Heard::Party(b'N')) >= 10 && p[2].count(Heard::Party(b'A')) >= 10
    });
    let connected = format!(r#""state":{{"conversation_id":{id},"state":"connected"}}"#);
    news.read_until_text(Duration::from_secs(15), |text| text.contains(&connected));
    assert!(news.text.contains(&connected), "the number's line follows the call: {}", news.text);
    ok(port_b, "POST", &control, Some(&agent), Some(json!({"command": "end_consult"})), 200);

    // The customer hangs up through B: the call and its conversation end on A.
    ok(port_b, "DELETE", "/api/phone/call", Some(&phone), None, 204);
    let status: String = query(
        &database.url,
        "SELECT status FROM conversations WHERE id = CAST($1 AS BIGINT)",
        &id.to_string(),
    );
    assert_eq!(status, "ended");
    let over = ok(port_b, "GET", "/api/phone/call", Some(&phone), None, 200);
    assert_eq!(over["state"], "ended", "{over}");
}
