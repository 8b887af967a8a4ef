//! Event fan-out benchmark (docs/PERFORMANCE.md): the release server holding 1,000 event-stream
//! subscribers while agents send messages. Prints the memory per idle subscriber and the delivery
//! latency (from sending the message to its event arriving at a subscriber), p50 and p99.
//!
//!   cargo run --release -p hovor-server --example event_fanout [-- SUBSCRIBERS MESSAGES]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{Server, proc_status, request, rss_kb, sign_in, verdict};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

const BUDGET_P99_MS: f64 = 50.0;
const BUDGET_KB_PER_SUBSCRIBER: f64 = 32.0;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let subscribers: usize = args.next().map_or(Ok(1000), |a| a.parse())?;
    let messages: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    // For comparison: what an idle keep-alive connection to another route costs.
    let path = args.next().unwrap_or_else(|| "/api/events".to_owned());
    let server = Server::start_with_demo().await?;
    run(&server, subscribers, messages, &path).await
}

/// The servers' memory together.
fn total_rss_kb(server: &Server) -> anyhow::Result<u64> {
    server.pids().into_iter().map(rss_kb).sum()
}

async fn run(server: &Server, subscribers: usize, messages: usize, subscribe: &str) -> anyhow::Result<()> {
    // Messages go in through the last server; subscribers are spread over all of them, so with several
    // servers most events reach their streams through another server.
    let port = *server.ports.last().expect("a server");
    // The supervisor belongs to every queue: every subscriber receives every event (the worst case).
    let watcher = sign_in(port, "supervisor").await?;
    let agent = sign_in(port, "agent1").await?;
    let tasks = request(port, "GET", "/api/tasks", Some(&agent), None).await?;
    let tasks: serde_json::Value = serde_json::from_str(&tasks)?;
    let conversation =
        tasks[0]["id"].as_i64().ok_or_else(|| anyhow::anyhow!("agent1 has no conversation"))?;

    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = total_rss_kb(server)?;
    let arrivals: Arc<Mutex<Vec<(i64, Instant)>>> =
        Arc::new(Mutex::new(Vec::with_capacity(subscribers * messages)));
    let mut readers = Vec::new();
    for n in 0..subscribers {
        let mut stream = TcpStream::connect(("127.0.0.1", server.ports[n % server.ports.len()])).await?;
        let head = format!("GET {subscribe} HTTP/1.1\r\nHost: bench\r\nCookie: {watcher}\r\n\r\n");
        stream.write_all(head.as_bytes()).await?;
        let arrivals = arrivals.clone();
        readers.push(tokio::spawn(async move {
            let mut lines = BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                // data: {"id":…,"at":…,"event":{"message_created":{"message":{"id":…,"body":"bench <n>"…
                if let Some(n) =
                    line.find("bench ").and_then(|i| line[i + 6..].split('"').next()?.parse().ok())
                {
                    arrivals.lock().await.push((n, Instant::now()));
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = total_rss_kb(server)?;
    let threads = proc_status(server.pid(), "Threads:")?;
    let per_subscriber = (idle.saturating_sub(before)) as f64 / subscribers as f64;

    let path = format!("/api/conversations/{conversation}/messages");
    let mut sent = Vec::with_capacity(messages);
    for n in 0..messages {
        let body = format!("{{\"body\":\"bench {n}\"}}");
        sent.push(Instant::now());
        request(port, "POST", &path, Some(&agent), Some(&body)).await?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let expected = subscribers * messages;
    let deadline = Instant::now() + Duration::from_secs(30);
    while arrivals.lock().await.len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let arrivals = arrivals.lock().await;
    let mut latencies: Vec<f64> =
        arrivals.iter().map(|(n, at)| at.duration_since(sent[*n as usize]).as_secs_f64() * 1000.0).collect();
    latencies.sort_by(f64::total_cmp);
    let (p50, p99) = (support::percentile(&latencies, 0.50), support::percentile(&latencies, 0.99));
    for reader in readers {
        reader.abort();
    }

    println!("{:<52} {:>10}     budget", "figure", "value");
    println!("{:<52} {:>10}", "database", server.describe());
    println!("{:<52} {:>10}", "subscribers (one stream each, all queues)", subscribers);
    println!("{:<52} {:>10}", "messages sent (every 20 ms)", messages);
    println!("{:<52} {:>10}", "events delivered / expected", format!("{}/{expected}", arrivals.len()));
    println!("{:<52} {:>10}", "threads of the first server, subscribers idle", threads);
    println!("{:<52} {:>7} KB", "server memory before / with the subscribers", format!("{before} / {idle}"));
    println!(
        "{:<52} {:>7.1} KB <= {BUDGET_KB_PER_SUBSCRIBER} KB {}",
        "server memory per idle subscriber",
        per_subscriber,
        verdict(per_subscriber <= BUDGET_KB_PER_SUBSCRIBER)
    );
    println!("{:<52} {:>7.1} ms", "delivery p50", p50);
    println!(
        "{:<52} {:>7.1} ms <= {BUDGET_P99_MS} ms {}",
        "delivery p99",
        p99,
        verdict(p99 <= BUDGET_P99_MS)
    );
    anyhow::ensure!(arrivals.len() == expected, "events were lost");
    Ok(())
}
