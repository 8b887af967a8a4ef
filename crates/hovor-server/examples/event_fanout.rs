//! Event fan-out benchmark (docs/PERFORMANCE.md): the release server holding 1,000 event-stream
//! subscribers while agents send messages. Prints the memory per idle subscriber and the delivery
//! latency (from sending the message to its event arriving at a subscriber), p50 and p99.
//!
//!   cargo run --release -p hovor-server --example event_fanout [-- SUBSCRIBERS MESSAGES]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
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

    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let binary = std::env::current_exe()?.parent().and_then(|p| p.parent()).map(|p| p.join("hovor-server"));
    let binary = binary.filter(|b| b.exists()).ok_or_else(|| anyhow::anyhow!("build hovor-server first"))?;
    let database = format!("sqlite://{}", dir.path().join("bench.db").display());
    let start = |demo: bool| {
        let mut command = Command::new(&binary);
        command
            .args(["--listen", &format!("127.0.0.1:{port}"), "--database", &database])
            .stdout(Stdio::null());
        if demo {
            command.arg("--demo");
        }
        command.spawn()
    };
    // One process fills the demo and stops; a fresh one is measured, so the memory the fill used and
    // freed does not hide what the subscribers cost.
    let mut filler = start(true)?;
    wait_for_health(port).await?;
    Command::new("kill").args(["-TERM", &filler.id().to_string()]).status()?;
    filler.wait()?;
    let mut server = start(false)?;
    let result = run(port, server.id(), subscribers, messages, &path).await;
    server.kill()?;
    result
}

async fn wait_for_health(port: u16) -> anyhow::Result<()> {
    let started = Instant::now();
    while request(port, "GET", "/api/health", None, None).await.is_err() {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(60), "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn run(
    port: u16,
    pid: u32,
    subscribers: usize,
    messages: usize,
    subscribe: &str,
) -> anyhow::Result<()> {
    wait_for_health(port).await?;
    // The supervisor belongs to every queue: every subscriber receives every event (the worst case).
    let watcher = sign_in(port, "supervisor").await?;
    let agent = sign_in(port, "agent1").await?;
    let tasks = request(port, "GET", "/api/tasks", Some(&agent), None).await?;
    let tasks: serde_json::Value = serde_json::from_str(&tasks)?;
    let conversation =
        tasks[0]["id"].as_i64().ok_or_else(|| anyhow::anyhow!("agent1 has no conversation"))?;

    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kb(pid)?;
    let arrivals: Arc<Mutex<Vec<(i64, Instant)>>> =
        Arc::new(Mutex::new(Vec::with_capacity(subscribers * messages)));
    let mut readers = Vec::new();
    for _ in 0..subscribers {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
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
    let idle = rss_kb(pid)?;
    let threads = proc_status(pid, "Threads:")?;
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
    let percentile = |p: f64| {
        latencies.get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
    };
    let (p50, p99) =
        (percentile(0.50).copied().unwrap_or(f64::NAN), percentile(0.99).copied().unwrap_or(f64::NAN));
    for reader in readers {
        reader.abort();
    }

    println!("{:<52} {:>10}     budget", "figure", "value");
    println!("{:<52} {:>10}", "subscribers (one stream each, all queues)", subscribers);
    println!("{:<52} {:>10}", "messages sent (every 20 ms)", messages);
    println!("{:<52} {:>10}", "events delivered / expected", format!("{}/{expected}", arrivals.len()));
    println!("{:<52} {:>10}", "server threads with the subscribers idle", threads);
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

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "OVER BUDGET" }
}

/// Resident memory of a process in KB, from /proc.
fn rss_kb(pid: u32) -> anyhow::Result<u64> {
    proc_status(pid, "VmRSS:")
}

/// A number from /proc/PID/status.
fn proc_status(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no {field} in /proc/{pid}/status"))
}

async fn sign_in(port: u16, username: &str) -> anyhow::Result<String> {
    let body = format!("{{\"username\":\"{username}\",\"password\":\"hovor-demo\"}}");
    let answer = raw(port, "POST", "/api/session", None, Some(&body)).await?;
    answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("sign-in of {username} failed"))
}

/// The body of a successful answer.
async fn request(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&str>,
) -> anyhow::Result<String> {
    let answer = raw(port, method, path, cookie, body).await?;
    anyhow::ensure!(
        answer.starts_with("HTTP/1.1 2"),
        "{method} {path}: {}",
        answer.lines().next().unwrap_or("")
    );
    Ok(answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default())
}

async fn raw(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&str>,
) -> anyhow::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n");
    if let Some(cookie) = cookie {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    head.push_str(body.unwrap_or(""));
    stream.write_all(head.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    Ok(answer)
}
