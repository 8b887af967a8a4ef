//! API load benchmark (docs/PERFORMANCE.md): first one agent asks for a conversation's suggestions 500
//! times, one request after another; then 16 connections, each an agent of the demo, read their task
//! list and open a conversation (summary, customer card, timeline, suggestions) as fast as answers
//! come, for 20 s. Prints requests a second and p50/p99 per request kind.
//!
//!   cargo run --release -p hovor-server --example api_load [-- SECONDS CONNECTIONS]

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use support::{Server, percentile, request, sign_in, verdict};

const BUDGET_P99_MS: f64 = 50.0;
/// The suggestions request alone (no other load): every customer message asks for it.
const SUGGESTIONS_BUDGET_P99_MS: f64 = 5.0;
const SUGGESTIONS_ALONE: usize = 500;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map_or(Ok(20), |a| a.parse())?;
    let connections: usize = args.next().map_or(Ok(16), |a| a.parse())?;
    let server = Server::start_with_demo().await?;

    let mut clients = Vec::new();
    for n in 0..connections {
        // Spread over the servers, as a balancer would.
        let port = server.ports[n % server.ports.len()];
        let cookie = sign_in(port, &format!("agent{}", n % 8 + 1)).await?;
        let tasks: serde_json::Value =
            serde_json::from_str(&request(port, "GET", "/api/tasks", Some(&cookie), None).await?)?;
        let conversation =
            tasks[0]["id"].as_i64().ok_or_else(|| anyhow::anyhow!("agent{} has no task", n % 8 + 1))?;
        clients.push((port, cookie, conversation));
    }

    let (port, cookie, conversation) = &clients[0];
    let path = format!("/api/conversations/{conversation}/suggestions");
    let mut alone = Vec::new();
    for _ in 0..SUGGESTIONS_ALONE {
        let sent = Instant::now();
        let body = request(*port, "GET", &path, Some(cookie), None).await?;
        alone.push(sent.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(body.starts_with('['), "suggestions answered {body}");
    }
    alone.sort_by(f64::total_cmp);
    let alone_p99 = percentile(&alone, 0.99);

    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut jobs = Vec::new();
    for (port, cookie, conversation) in clients {
        jobs.push(tokio::spawn(async move {
            let pages = [
                ("task list", "/api/tasks".to_owned()),
                ("conversation summary", format!("/api/conversations/{conversation}")),
                ("customer card", format!("/api/conversations/{conversation}/customer")),
                ("timeline page", format!("/api/conversations/{conversation}/timeline")),
                ("suggestions", format!("/api/conversations/{conversation}/suggestions")),
            ];
            let mut times: Vec<(&'static str, f64)> = Vec::new();
            while Instant::now() < until {
                for (kind, path) in &pages {
                    let sent = Instant::now();
                    request(port, "GET", path, Some(&cookie), None).await?;
                    times.push((kind, sent.elapsed().as_secs_f64() * 1000.0));
                }
            }
            anyhow::Ok(times)
        }));
    }
    let mut by_kind: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for job in jobs {
        for (kind, ms) in job.await?? {
            by_kind.entry(kind).or_default().push(ms);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let total: usize = by_kind.values().map(Vec::len).sum();
    println!("{:<44} {:>10}     budget", "figure", "value");
    println!("{:<44} {:>10}", "database", server.describe());
    println!("{:<44} {:>10}", "connections", connections);
    println!("{:<44} {:>10.0}", "requests a second, all kinds", total as f64 / elapsed);
    println!("{:<44} {:>7.1} ms", "suggestions alone, p50", percentile(&alone, 0.50));
    println!(
        "{:<44} {:>7.1} ms <= {SUGGESTIONS_BUDGET_P99_MS} ms {}",
        "suggestions alone, p99",
        alone_p99,
        verdict(alone_p99 <= SUGGESTIONS_BUDGET_P99_MS)
    );
    let mut within = alone_p99 <= SUGGESTIONS_BUDGET_P99_MS;
    for (kind, times) in &mut by_kind {
        times.sort_by(f64::total_cmp);
        let p99 = percentile(times, 0.99);
        within &= p99 <= BUDGET_P99_MS;
        println!("{:<44} {:>7.1} ms", format!("{kind}, p50"), percentile(times, 0.50));
        println!(
            "{:<44} {:>7.1} ms <= {BUDGET_P99_MS} ms {}",
            format!("{kind}, p99"),
            p99,
            verdict(p99 <= BUDGET_P99_MS)
        );
    }
    anyhow::ensure!(within, "over budget");
    Ok(())
}
