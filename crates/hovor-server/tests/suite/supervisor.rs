//! The supervisor's board on a scripted clock: a queue's answers, abandons, RONA and handle time
//! counted by the formulas of `hovor_types::supervisor`, live counts, the agents' state and load, and
//! the scope: supervisors see and act on their own queues' agents only.

use crate::common::TestServer;

use axum::http::StatusCode;
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_counts_a_queues_answers_abandons_ronas_and_handle_time_by_its_formulas() {
    // After every demo record, so today holds only what this test does.
    let start = hovor_server::db::now_ms() + 400 * 24 * HOUR;
    let (server, clock) = TestServer::new().await.with_scripted_clock(start);
    let queue = server.queue_id(0).await;
    sqlx::query("UPDATE conversations SET status = 'ended', ended_at = $1 WHERE status = 'active' AND agent_id IS NULL")
        .bind(start)
        .execute(&server.pool)
        .await
        .unwrap();
    let member = server.agent_in(queue).await;
    server.set_chat_capacity(&member, 10).await;
    let agent = server.sign_in(&member).await;
    let supervisor = server.sign_in("supervisor").await;
    let board = |cookie: String| {
        let server = &server;
        async move {
            let path = format!("/api/supervisor/board?today_from={}", start - HOUR);
            let answer = server.request("GET", &path, Some(&cookie), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
            answer.json
        }
    };
    let queue_of = |board: &Value| {
        board["queues"].as_array().unwrap().iter().find(|q| q["queue_id"] == queue).unwrap().clone()
    };

    // Four customers wait; the longest since the start.
    let a = server.start_chat(queue, "Anna").await;
    let b = server.start_chat(queue, "Boris").await;
    let c = server.start_chat(queue, "Cyril").await;
    let d = server.start_chat(queue, "Dana").await;
    let now = queue_of(&board(supervisor.clone()).await);
    assert_eq!(
        (now["waiting"].clone(), now["ringing"].clone(), now["oldest_entered_at"].clone()),
        (json!(4), json!(0), json!(start))
    );

    // C leaves after 3 s (a short abandon); the agent takes A at 10 s (within the 20 s threshold) and
    // B at 35 s; D's offer goes unanswered (RONA) and D leaves at 60 s.
    clock.set(start + 3_000);
    let ended = server.request("POST", "/api/chat/end", Some(&c.cookie), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT);
    clock.set(start + 10_000);
    server.go_available(&agent).await;
    let ringing = queue_of(&board(supervisor.clone()).await);
    assert_eq!((ringing["waiting"].clone(), ringing["ringing"].clone()), (json!(0), json!(3)));
    let accept = |id: i64| {
        let (server, agent) = (&server, agent.clone());
        async move {
            let body = json!({"conversation_ids": [id]});
            let answer = server.request("POST", "/api/offers/accept", Some(&agent), Some(body)).await;
            assert_eq!(answer.json["accepted"], json!([id]), "{}", answer.json);
        }
    };
    accept(a.conversation_id).await;
    clock.set(start + 35_000);
    accept(b.conversation_id).await;
    clock.set(start + 40_000);
    server.routing_tick().await;
    clock.set(start + 60_000);
    let ended = server.request("POST", "/api/chat/end", Some(&d.cookie), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT);
    // A ends at 100 s and is wrapped up at 120 s: 110 s handled.
    clock.set(start + 100_000);
    let path = format!("/api/conversations/{}/end", a.conversation_id);
    assert_eq!(server.request("POST", &path, Some(&agent), None).await.status, StatusCode::NO_CONTENT);
    clock.set(start + 120_000);
    let reasons = format!("/api/conversations/{}/wrap-up-reasons", a.conversation_id);
    let reason = server.request("GET", &reasons, Some(&agent), None).await.json[0]["id"].clone();
    let path = format!("/api/conversations/{}/wrap-up", a.conversation_id);
    let done = server.request("POST", &path, Some(&agent), Some(json!({"reason_id": reason}))).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.json);

    let board_now = board(supervisor.clone()).await;
    let q = queue_of(&board_now);
    for window in ["today", "recent"] {
        let f = &q[window];
        assert_eq!(
            f["counts"],
            json!({"answered": 2, "answered_within": 1, "abandoned": 2, "short_abandoned": 1,
                   "answer_wait_ms": 45_000, "handled": 1, "handle_ms": 110_000, "focused_ms": 0, "ronas": 1}),
            "{window}"
        );
        // 1 ÷ (2 + 2 − 1); (10 s + 35 s) ÷ 2; 2 ÷ 4.
        assert_eq!((f["service_level"].as_f64().unwrap() * 100.0).round(), 3333.0, "{window}");
        assert_eq!((f["asa_ms"].clone(), f["abandon_rate"].clone()), (json!(22_500), json!(50.0)));
        assert_eq!((f["aht_ms"].clone(), f["ronas"].clone()), (json!(110_000), json!(1)));
    }
    assert_eq!(
        (q["waiting"].clone(), q["ringing"].clone(), q["oldest_entered_at"].clone()),
        (json!(0), json!(0), Value::Null)
    );

    // The agent: Idle after the RONA, since then, handling B.
    let agent_id = server.user_id(&member).await;
    let row =
        board_now["agents"].as_array().unwrap().iter().find(|a| a["user_id"] == agent_id).unwrap().clone();
    assert_eq!(
        (row["state"].clone(), row["idle_reason"].clone(), row["since"].clone()),
        (json!("idle"), json!("no_answer"), json!(start + 40_000))
    );
    let theirs: Vec<i64> = row["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["conversation_id"].as_i64().unwrap())
        .collect();
    assert!(theirs.contains(&b.conversation_id) && !theirs.contains(&a.conversation_id), "{row}");
    let chat = row["load"].as_array().unwrap().iter().find(|l| l["channel"] == "chat").unwrap().clone();
    assert_eq!(chat["capacity"], 10);
}

#[tokio::test]
async fn a_supervisor_sets_their_queues_agents_available_or_idle_and_no_one_elses() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let member = server.agent_in(queue).await;
    let agent = server.sign_in(&member).await;
    let agent_id = server.user_id(&member).await;
    let supervisor = server.sign_in("supervisor").await;
    let status = |id: i64| format!("/api/supervisor/agents/{id}/status");

    // Agents have no board and set no one.
    assert_eq!(
        server.request("GET", "/api/supervisor/board", Some(&agent), None).await.status,
        StatusCode::FORBIDDEN
    );
    let by_agent =
        server.request("PUT", &status(agent_id), Some(&agent), Some(json!({"state": "available"}))).await;
    assert_eq!(by_agent.status, StatusCode::FORBIDDEN);

    // The supervisor sets the agent Available, then Idle for a break; the agent's status follows, and
    // the reasons only the server gives are refused.
    let set = server
        .request("PUT", &status(agent_id), Some(&supervisor), Some(json!({"state": "available"})))
        .await;
    assert_eq!((set.status, set.json["state"].clone()), (StatusCode::OK, json!("available")), "{}", set.json);
    let idle = json!({"state": "idle", "idle_reason": "break"});
    server.request("PUT", &status(agent_id), Some(&supervisor), Some(idle)).await;
    let mine = server.request("GET", "/api/me/status", Some(&agent), None).await;
    assert_eq!(
        (mine.json["state"].clone(), mine.json["idle_reason"].clone()),
        (json!("idle"), json!("break"))
    );
    let refused = json!({"state": "idle", "idle_reason": "no_answer"});
    assert_eq!(
        server.request("PUT", &status(agent_id), Some(&supervisor), Some(refused)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let recorded: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM supervisor_actions WHERE agent_id = $1 ORDER BY id")
            .bind(agent_id)
            .fetch_all(&server.pool)
            .await
            .unwrap();
    assert_eq!(recorded, ["available", "idle:break"]);

    // A supervisor of one queue sees that queue alone and sets only its agents.
    let supervisor_id = server.user_id("supervisor").await;
    sqlx::query("DELETE FROM queue_members WHERE user_id = $1 AND queue_id <> $2")
        .bind(supervisor_id)
        .bind(queue)
        .execute(&server.pool)
        .await
        .unwrap();
    let board = server.request("GET", "/api/supervisor/board", Some(&supervisor), None).await;
    let queues: Vec<i64> =
        board.json["queues"].as_array().unwrap().iter().map(|q| q["queue_id"].as_i64().unwrap()).collect();
    assert_eq!(queues, [queue]);
    let outsider = server.agent_outside(queue).await;
    let outsider_id = server.user_id(&outsider).await;
    assert!(board.json["agents"].as_array().unwrap().iter().all(|a| a["user_id"] != outsider_id));
    let beyond = server
        .request("PUT", &status(outsider_id), Some(&supervisor), Some(json!({"state": "available"})))
        .await;
    assert_eq!(beyond.status, StatusCode::FORBIDDEN);
    // "Today" is at most 36 hours back.
    let far = server.request("GET", "/api/supervisor/board?today_from=0", Some(&supervisor), None).await;
    assert_eq!(
        (far.status, far.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("today_from"))
    );
}
