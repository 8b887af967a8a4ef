//! Listings at size (docs/PERFORMANCE.md): the demo plus 1,000,000 generated interactions over the
//! last year (a third each email, chat and call, one message each, a quarter of the chats rated), then, one request after another,
//! filtered and sorted pages as an administrator and as an agent granted two queues, the count over
//! the whole year, a CSV export of 100,000 rows with the server's memory watched while it streams,
//! anonymising single interactions, and retention runs (dry and real) over the whole set.
//! SQLite by default; PostgreSQL (two servers) with `HOVOR_BENCH_POSTGRES`.
//!
//!   cargo run --release -p hovor-server --example listing_scale [-- INTERACTIONS]

mod support;

use std::time::{Duration, Instant};

use support::{Server, percentile, request, rss_kb, sign_in, verdict};

const PAGE_BUDGET_P99_MS: f64 = 200.0;
const COUNT_BUDGET_MS: f64 = 1000.0;
const PAGES_MEASURED: usize = 60;
const YEAR_MS: i64 = 365 * 86_400_000;
const ANONYMISED_MEASURED: usize = 30;
const ANONYMISE_BUDGET_P99_MS: f64 = 1000.0;
const DESK_WRITE_BUDGET_P99_MS: f64 = 200.0;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let interactions: i64 = std::env::args().nth(1).map_or(Ok(1_000_000), |a| a.parse())?;
    let now = hovor_server::db::now_ms();
    let filling = Instant::now();
    let mut known = Known::default();
    let server = Server::start_with_demo_and(async |url: &str| {
        known = fill(url, interactions, now).await?;
        Ok(())
    })
    .await?;
    println!(
        "{} with {interactions} generated interactions (filled in {:.0} s)",
        server.describe(),
        filling.elapsed().as_secs_f64()
    );
    let port = server.port;
    let admin = sign_in(port, "admin").await?;
    let agent = sign_in(port, "agent3").await?;
    let grant = serde_json::json!({ "user_ids": [], "queue_ids": &known.queues[..2] });
    let path = format!("/api/admin/users/{}/listing-rights", known.agent3);
    request(port, "PUT", &path, Some(&admin), Some(&grant.to_string())).await?;

    let year = format!("time=custom&from={}&to={}&zone=UTC", day(now - YEAR_MS), day(now));
    println!("{:<62} {:>16} {:>12}", "figure", "value", "budget");
    let mut ok = true;
    let pages = [
        (
            "emails this month, newest first, administrator",
            &admin,
            "channel=email&time=this_month&zone=Europe/Prague",
        ),
        (
            "emails this month by title, administrator",
            &admin,
            "channel=email&time=this_month&zone=Europe/Prague&sort=title&desc=false",
        ),
        (
            "emails last month by contact, administrator",
            &admin,
            "channel=email&time=last_month&zone=Europe/Prague&sort=contact",
        ),
        (
            "a year of emails by title, page 20, administrator",
            &admin,
            "channel=email&{year}&sort=title&page=20",
        ),
        (
            "calls of the last 7 days by user, page 3, administrator",
            &admin,
            "channel=voice&time=last_7_days&zone=Europe/Prague&sort=user&page=3",
        ),
        (
            "chats this month by rating, administrator",
            &admin,
            "channel=chat&time=this_month&zone=Europe/Prague&sort=rating",
        ),
        (
            "a year of chats by rating, lowest first, page 5, administrator",
            &admin,
            "channel=chat&{year}&sort=rating&desc=false&page=5",
        ),
        (
            "chats last month with text, administrator",
            &admin,
            "channel=chat&time=last_month&zone=Europe/Prague&text=zpr%C3%A1va%2012",
        ),
        (
            "emails this month, Advanced: text contains, contact set, administrator",
            &admin,
            "channel=email&time=this_month&zone=Europe/Prague&advanced=%5B%7B%22column%22%3A%22text%22%2C%22op%22%3A%22contains%22%2C%22value%22%3A%22zpr%C3%A1va%201%22%7D%2C%7B%22column%22%3A%22contact%22%2C%22op%22%3A%22not_empty%22%7D%5D",
        ),
        (
            "a year of chats, Advanced: rating below 3, commented, agent",
            &agent,
            "channel=chat&{year}&sort=rating&advanced=%5B%7B%22column%22%3A%22rating%22%2C%22op%22%3A%22below%22%2C%22value%22%3A%223%22%7D%2C%7B%22column%22%3A%22comment%22%2C%22op%22%3A%22not_empty%22%7D%5D",
        ),
        (
            "emails this month, agent granted two queues",
            &agent,
            "channel=email&time=this_month&zone=Europe/Prague",
        ),
        (
            "emails this month in one queue, outbound, administrator",
            &admin,
            "channel=email&time=this_month&zone=Europe/Prague&queues={queue}&direction=outbound",
        ),
    ];
    for (name, cookie, query) in pages {
        let query = query.replace("{queue}", &known.queues[0].to_string()).replace("{year}", &year);
        let mut times = Vec::new();
        for _ in 0..PAGES_MEASURED {
            let sent = Instant::now();
            let body =
                request(port, "GET", &format!("/api/interactions?{query}"), Some(cookie), None).await?;
            times.push(sent.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(body.contains("\"rows\""), "{query}: {body}");
        }
        times.sort_by(f64::total_cmp);
        let p99 = percentile(&times, 0.99);
        ok &= p99 <= PAGE_BUDGET_P99_MS;
        println!(
            "{:<62} {:>16} {:>12} {}",
            format!("page: {name}, p50 / p99"),
            format!("{:.1} / {:.1} ms", percentile(&times, 0.5), p99),
            format!("p99 <= {PAGE_BUDGET_P99_MS:.0} ms"),
            verdict(p99 <= PAGE_BUDGET_P99_MS)
        );
    }

    for (name, cookie) in [("administrator", &admin), ("agent granted two queues", &agent)] {
        let sent = Instant::now();
        let body = request(
            port,
            "GET",
            &format!("/api/interactions/count?channel=email&{year}"),
            Some(cookie),
            None,
        )
        .await?;
        let ms = sent.elapsed().as_secs_f64() * 1000.0;
        ok &= ms <= COUNT_BUDGET_MS;
        let total: serde_json::Value = serde_json::from_str(&body)?;
        println!(
            "{:<62} {:>16} {:>12} {}",
            format!("count: a year of emails ({}), {name}", total["total"]),
            format!("{ms:.0} ms"),
            format!("<= {COUNT_BUDGET_MS:.0} ms"),
            verdict(ms <= COUNT_BUDGET_MS)
        );
    }

    // About 100,000 emails: a third of the interactions of the last 0.3 years.
    let days = ((100_000.0 * 3.0 / interactions as f64 * 365.0).ceil() as i64).min(365);
    let range = format!("time=custom&from={}&to={}&zone=UTC", day(now - days * 86_400_000), day(now));
    let pid = server.pid();
    let before = rss_kb(pid)?;
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let watching = {
        let peak = peak.clone();
        tokio::spawn(async move {
            while let Ok(rss) = rss_kb(pid) {
                peak.fetch_max(rss, std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let sent = Instant::now();
    let path = format!("/api/interactions/export?channel=email&{range}&format=csv&lang=cs");
    let csv = download(port, &path, &admin).await?;
    let seconds = sent.elapsed().as_secs_f64();
    watching.abort();
    let rows = csv::Reader::from_reader(&csv[3..]).records().filter(Result::is_ok).count();
    let grown = peak.load(std::sync::atomic::Ordering::Relaxed).saturating_sub(before);
    println!(
        "{:<62} {:>16}",
        format!("export: {rows} rows as CSV ({:.1} MB)", csv.len() as f64 / 1e6),
        format!("{seconds:.1} s")
    );
    println!(
        "{:<62} {:>16}",
        "  the server's resident memory grew by at most",
        format!("{:.1} MB", grown as f64 / 1024.0)
    );
    anyhow::ensure!(rows >= (interactions as usize / 3).min(90_000), "the export held {rows} rows");
    ok &= retention(port, &admin, &known).await?;
    // `exit` runs no destructor: the servers are stopped first, or they would outlive the run.
    drop(server);
    std::process::exit(if ok { 0 } else { 1 });
}

/// Anonymising one interaction at size (last month's chats, one after another), then retention: a
/// rule per queue and channel counted dry and applied (PostgreSQL's compaction included).
async fn retention(port: u16, admin: &str, known: &Known) -> anyhow::Result<bool> {
    let page =
        request(port, "GET", "/api/interactions?channel=chat&time=last_month&zone=UTC", Some(admin), None)
            .await?;
    let page: serde_json::Value = serde_json::from_str(&page)?;
    let ids: Vec<i64> =
        page["rows"].as_array().into_iter().flatten().filter_map(|r| r["id"].as_i64()).collect();
    let mut times = Vec::new();
    for id in ids.iter().take(ANONYMISED_MEASURED) {
        let sent = Instant::now();
        let body =
            request(port, "POST", &format!("/api/interactions/{id}/anonymise"), Some(admin), None).await?;
        times.push(sent.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(body.contains("\"anonymised\":true"), "{id}: {body}");
    }
    times.sort_by(f64::total_cmp);
    let p99 = percentile(&times, 0.99);
    let fast = p99 <= ANONYMISE_BUDGET_P99_MS;
    println!(
        "{:<62} {:>16} {:>12} {}",
        format!("anonymise one interaction ({} of them), p50 / p99", times.len()),
        format!("{:.1} / {:.1} ms", percentile(&times, 0.5), p99),
        format!("p99 <= {ANONYMISE_BUDGET_P99_MS:.0} ms"),
        verdict(fast)
    );
    let rules = serde_json::json!({"rules": [
        {"queue_id": known.queues[0], "channel": "chat", "action": "anonymise", "after_days": 300},
        {"queue_id": known.queues[1], "channel": "voice", "action": "delete", "after_days": 300},
    ]});
    request(port, "PUT", "/api/admin/retention/rules", Some(admin), Some(&rules.to_string())).await?;
    // While the real run goes on, an agent changes state again and again: a write that waits for the
    // writer lock the run takes batch by batch.
    let agent = sign_in(port, "agent3").await?;
    let (mut desk_writes, mut failed) = (Vec::new(), 0_usize);
    for dry_run in [true, false] {
        let sent = Instant::now();
        let body = serde_json::json!({ "dry_run": dry_run }).to_string();
        let running = request(port, "POST", "/api/admin/retention/runs", Some(admin), Some(&body));
        tokio::pin!(running);
        let run = loop {
            let write = if desk_writes.len() % 2 == 0 {
                serde_json::json!({ "state": "available" })
            } else {
                serde_json::json!({ "state": "idle", "idle_reason": "lunch" })
            }
            .to_string();
            let probe = request(port, "PUT", "/api/me/status", Some(&agent), Some(&write));
            let started = Instant::now();
            tokio::select! {
                run = &mut running => break run?,
                wrote = probe => {
                    failed += usize::from(wrote.is_err());
                    if !dry_run {
                        desk_writes.push(started.elapsed().as_secs_f64() * 1000.0);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        };
        let seconds = sent.elapsed().as_secs_f64();
        let run: serde_json::Value = serde_json::from_str(&run)?;
        let done = run["anonymised"].as_u64().unwrap_or(0) + run["deleted"].as_u64().unwrap_or(0);
        println!(
            "{:<62} {:>16}",
            format!(
                "retention, {}: {} anonymised, {} deleted",
                if dry_run { "dry run" } else { "real run" },
                run["anonymised"],
                run["deleted"]
            ),
            if dry_run {
                format!("{seconds:.2} s")
            } else {
                format!("{seconds:.1} s, {:.0}/s", done as f64 / seconds)
            }
        );
    }
    desk_writes.sort_by(f64::total_cmp);
    let p99 = percentile(&desk_writes, 0.99);
    let unhindered = p99 <= DESK_WRITE_BUDGET_P99_MS && failed == 0;
    println!(
        "{:<62} {:>16} {:>12} {}",
        format!("  an agent's state change meanwhile ({}, {failed} failed), p50 / p99", desk_writes.len()),
        format!("{:.1} / {:.1} ms", percentile(&desk_writes, 0.5), p99),
        format!("p99 <= {DESK_WRITE_BUDGET_P99_MS:.0} ms"),
        verdict(unhindered)
    );
    Ok(fast && unhindered)
}

/// `YYYY-MM-DD` (UTC) of an instant.
fn day(at: i64) -> String {
    jiff::Timestamp::from_millisecond(at).map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// A file's bytes, its chunked transfer decoded.
async fn download(port: u16, path: &str, cookie: &str) -> anyhow::Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let head = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| anyhow::anyhow!("no head"))?;
    anyhow::ensure!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{path}: {}",
        String::from_utf8_lossy(&answer[..split])
    );
    let mut rest = &answer[split + 4..];
    let mut body = Vec::new();
    loop {
        let line = rest.windows(2).position(|w| w == b"\r\n").ok_or_else(|| anyhow::anyhow!("bad chunk"))?;
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..line])?.trim(), 16)?;
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&rest[line + 2..line + 2 + size]);
        rest = &rest[line + 2 + size + 2..];
    }
}

/// What the measurements need from the filled database.
#[derive(Default)]
struct Known {
    agent3: i64,
    queues: Vec<i64>,
}

/// `count` interactions spread evenly over the year before `now`, one message each.
async fn fill(url: &str, count: i64, now: i64) -> anyhow::Result<Known> {
    let pool = hovor_server::db::connect(url).await?;
    let queues: Vec<i64> = sqlx::query_scalar("SELECT id FROM queues ORDER BY id").fetch_all(&pool).await?;
    let agents: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'agent' ORDER BY id").fetch_all(&pool).await?;
    let pick = |ids: &[i64], salt: &str| {
        let arms: String = ids.iter().enumerate().map(|(n, id)| format!(" WHEN {n} THEN {id}")).collect();
        format!("CASE ({salt}) % {}{arms} END", ids.len())
    };
    let before: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM conversations").fetch_one(&pool).await?;
    let step = YEAR_MS / count.max(1);
    let select = format!(
        "SELECT {queue}, CASE i % 3 WHEN 0 THEN 'email' WHEN 1 THEN 'chat' ELSE 'voice' END, {agent}, 'ended',
                'Dotaz ' || i, 'cs', {now} - i * {step}, {now} - i * {step},
                CASE WHEN i % 10 = 0 THEN 'outbound' ELSE 'inbound' END, 'Zákazník ' || i,
                CASE WHEN i % 3 = 1 AND i % 4 = 0 THEN 1 + (i / 4) % 5 END",
        queue = pick(&queues, "i / 3"),
        agent = pick(&agents, "i / 7"),
    );
    let columns = "conversations (queue_id, channel, agent_id, status, subject, language, queued_at, started_at, direction, customer_name, rating)";
    let statement = if url.starts_with("postgres") {
        format!(
            "INSERT INTO {columns} {select} FROM generate_series(CAST(0 AS BIGINT), {}) AS n(i)",
            count - 1
        )
    } else {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}) INSERT INTO {columns} {select} FROM n",
            count - 1
        )
    };
    sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&pool).await?;
    sqlx::query(
        "INSERT INTO messages (conversation_id, direction, author, body, at)
         SELECT id, 'inbound', customer_name, 'Dobrý den, zpráva ' || id, queued_at FROM conversations WHERE id > $1",
    )
    .bind(before)
    .execute(&pool)
    .await?;
    // A quarter of the chats were rated after the chat, with a comment.
    sqlx::query(
        "INSERT INTO feedback_answers (conversation_id, question, kind, comment)
         SELECT id, 'Comment', 'comment', 'Díky, ' || id FROM conversations WHERE id > $1 AND rating IS NOT NULL",
    )
    .bind(before)
    .execute(&pool)
    .await?;
    sqlx::query("ANALYZE").execute(&pool).await?;
    let agent3 =
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'agent3'").fetch_one(&pool).await?;
    pool.close().await;
    Ok(Known { agent3, queues })
}
