//! SQLite log benchmark (docs/PERFORMANCE.md): agents send 200 messages a second for a minute while
//! 20 event streams and 4 timeline readers keep reading. Prints the write-ahead log's largest and
//! final size next to the database's, and the time the server takes to answer each message.
//!
//!   cargo run --release -p hovor-server --example wal_bound [-- SECONDS RATE]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use support::{Server, percentile, request, sign_in, verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BUDGET_WAL_PEAK_MB: f64 = 32.0;
const BUDGET_WAL_SETTLED_MB: f64 = 16.0;
const BUDGET_ANSWER_P99_MS: f64 = 50.0;
const SENDERS: usize = 4;
const STREAMS: usize = 20;
const TIMELINE_READERS: usize = 4;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map_or(Ok(60), |a| a.parse())?;
    let rate: u64 = args.next().map_or(Ok(200), |a| a.parse())?;
    let server = Server::start_with_demo().await?;
    let port = server.port;
    let wal = server.database_file.with_extension("db-wal");

    let watcher = sign_in(port, "supervisor").await?;
    let mut senders = Vec::new();
    for n in 1..=SENDERS {
        let cookie = sign_in(port, &format!("agent{n}")).await?;
        let tasks: serde_json::Value =
            serde_json::from_str(&request(port, "GET", "/api/tasks", Some(&cookie), None).await?)?;
        let conversation = tasks
            .as_array()
            .and_then(|t| t.iter().find(|t| t["channel"] == "chat"))
            .and_then(|t| t["id"].as_i64())
            .ok_or_else(|| anyhow::anyhow!("agent{n} has no chat"))?;
        senders.push((cookie, conversation));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let events_read = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    for _ in 0..STREAMS {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        let head = format!("GET /api/events HTTP/1.1\r\nHost: bench\r\nCookie: {watcher}\r\n\r\n");
        stream.write_all(head.as_bytes()).await?;
        let events_read = events_read.clone();
        readers.push(tokio::spawn(async move {
            let mut buffer = vec![0u8; 64 * 1024];
            while let Ok(n) = stream.read(&mut buffer).await {
                if n == 0 {
                    break;
                }
                let chunk = &buffer[..n];
                events_read
                    .fetch_add(chunk.windows(3).filter(|w| w == b"id:").count() as u64, Ordering::Relaxed);
            }
        }));
    }
    let timelines_read = Arc::new(AtomicU64::new(0));
    for (cookie, conversation) in senders.iter().take(TIMELINE_READERS) {
        let (stop, timelines_read, cookie, conversation) =
            (stop.clone(), timelines_read.clone(), cookie.clone(), *conversation);
        readers.push(tokio::spawn(async move {
            let path = format!("/api/conversations/{conversation}/timeline");
            while !stop.load(Ordering::Relaxed) {
                if request(port, "GET", &path, Some(&cookie), None).await.is_ok() {
                    timelines_read.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }

    // The log's size, every 50 ms, while the messages go in and for a few seconds after.
    let peak_wal = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, peak_wal, wal) = (stop.clone(), peak_wal.clone(), wal.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
                peak_wal.fetch_max(size, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };

    // Each sender keeps its own schedule (rate ÷ senders a second), so a slow answer does not slow the
    // others and the total rate holds.
    let started = Instant::now();
    let per_sender = Duration::from_secs_f64(SENDERS as f64 / rate as f64);
    let total_per_sender = seconds * rate / SENDERS as u64;
    let mut jobs = Vec::new();
    for (index, (cookie, conversation)) in senders.into_iter().enumerate() {
        jobs.push(tokio::spawn(async move {
            let path = format!("/api/conversations/{conversation}/messages");
            let mut answers = Vec::with_capacity(total_per_sender as usize);
            for n in 0..total_per_sender {
                let due = started + per_sender * n as u32;
                tokio::time::sleep_until(due.into()).await;
                let body = format!("{{\"body\":\"log bench {index}-{n}\"}}");
                let sent = Instant::now();
                request(port, "POST", &path, Some(&cookie), Some(&body)).await?;
                answers.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok(answers)
        }));
    }
    let mut answers = Vec::new();
    for job in jobs {
        answers.extend(job.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Two checkpoint rounds (every 2 s) after the last message: what the log keeps once writing stops.
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::Relaxed);
    sampler.await?;
    for reader in readers {
        reader.abort();
    }
    let settled = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let database = std::fs::metadata(&server.database_file)?.len();

    answers.sort_by(f64::total_cmp);
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let (peak, settled_mb) = (mb(peak_wal.load(Ordering::Relaxed)), mb(settled));
    let p99 = percentile(&answers, 0.99);
    println!("{:<52} {:>10}     budget", "figure", "value");
    println!("{:<52} {:>10}", "messages sent / seconds", format!("{} / {elapsed:.1}", answers.len()));
    println!("{:<52} {:>10.1}", "messages a second", answers.len() as f64 / elapsed);
    println!("{:<52} {:>10}", "events read by 20 streams", events_read.load(Ordering::Relaxed));
    println!("{:<52} {:>10}", "timelines read by 4 readers", timelines_read.load(Ordering::Relaxed));
    println!("{:<52} {:>7.1} MB", "database file after the run", mb(database));
    println!(
        "{:<52} {:>7.1} MB <= {BUDGET_WAL_PEAK_MB} MB {}",
        "log (WAL), largest",
        peak,
        verdict(peak <= BUDGET_WAL_PEAK_MB)
    );
    println!(
        "{:<52} {:>7.1} MB <= {BUDGET_WAL_SETTLED_MB} MB {}",
        "log (WAL), 5 s after the last message",
        settled_mb,
        verdict(settled_mb <= BUDGET_WAL_SETTLED_MB)
    );
    println!("{:<52} {:>7.1} ms", "message answered (committed), p50", percentile(&answers, 0.50));
    println!(
        "{:<52} {:>7.1} ms <= {BUDGET_ANSWER_P99_MS} ms {}",
        "message answered (committed), p99",
        p99,
        verdict(p99 <= BUDGET_ANSWER_P99_MS)
    );
    let within =
        peak <= BUDGET_WAL_PEAK_MB && settled_mb <= BUDGET_WAL_SETTLED_MB && p99 <= BUDGET_ANSWER_P99_MS;
    anyhow::ensure!(within, "over budget");
    Ok(())
}
