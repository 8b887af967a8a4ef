//! What the server benchmarks share: the release server started on a fresh demo database, raw
//! HTTP/1.1 requests (no client library between the figure and the server), and reading figures.

#![allow(dead_code)] // each benchmark uses its own part of this

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The release server on a demo database: one process on a SQLite file in a temporary directory, or,
/// when `HOVOR_BENCH_POSTGRES` names a PostgreSQL server, two processes on a fresh database there (a
/// contact center at scale; `ports` holds both, and `port` is the first).
pub struct Server {
    pub port: u16,
    pub ports: Vec<u16>,
    processes: Vec<Child>,
    pub database_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    /// One process fills the demo and stops; fresh ones are measured, so the memory the fill used and
    /// freed (and the log it wrote) does not hide what the benchmark costs.
    pub async fn start_with_demo() -> anyhow::Result<Server> {
        Server::start_with_demo_and(async |_: &str| Ok(())).await
    }

    /// As [`Server::start_with_demo`], with `fill` adding to the database (given its URL) between the
    /// demo's fill and the measured start.
    pub async fn start_with_demo_and(
        fill: impl AsyncFnOnce(&str) -> anyhow::Result<()>,
    ) -> anyhow::Result<Server> {
        let dir = tempfile::tempdir()?;
        let binary =
            std::env::current_exe()?.parent().and_then(|p| p.parent()).map(|p| p.join("hovor-server"));
        let binary =
            binary.filter(|b| b.exists()).ok_or_else(|| anyhow::anyhow!("build hovor-server first"))?;
        let database_file = dir.path().join("bench.db");
        let (database, instances) = match std::env::var("HOVOR_BENCH_POSTGRES").ok().filter(|u| !u.is_empty())
        {
            Some(server) => (fresh_postgres_database(&server)?, 2),
            None => (format!("sqlite://{}", database_file.display()), 1),
        };
        let start = |port: u16, demo: bool| {
            let mut command = Command::new(&binary);
            command
                .args(["--listen", &format!("127.0.0.1:{port}"), "--database", &database])
                .stdout(Stdio::null());
            if demo {
                command.arg("--demo");
            }
            command.spawn()
        };
        let free_port = || -> anyhow::Result<u16> {
            Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
        };
        let port = free_port()?;
        let mut filler = start(port, true)?;
        wait_for_health(port).await?;
        Command::new("kill").args(["-TERM", &filler.id().to_string()]).status()?;
        filler.wait()?;
        fill(&database).await?;
        let mut ports = vec![port];
        while ports.len() < instances {
            ports.push(free_port()?);
        }
        let mut processes = Vec::new();
        for &port in &ports {
            processes.push(start(port, false)?);
            wait_for_health(port).await?;
        }
        Ok(Server { port, ports, processes, database_file, _dir: dir })
    }

    pub fn pid(&self) -> u32 {
        self.processes[0].id()
    }

    pub fn pids(&self) -> Vec<u32> {
        self.processes.iter().map(Child::id).collect()
    }

    /// What is measured: "SQLite, one server" or "PostgreSQL, two servers".
    pub fn describe(&self) -> &'static str {
        if self.ports.len() > 1 { "PostgreSQL, two servers" } else { "SQLite, one server" }
    }
}

/// A new, empty database on the PostgreSQL server at `server` (a URL naming its `postgres` database).
fn fresh_postgres_database(server: &str) -> anyhow::Result<String> {
    let name = format!("hovor_bench_{}", std::process::id());
    for statement in
        [format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), format!("CREATE DATABASE {name}")]
    {
        let status = Command::new("psql")
            .args([server, "-qc", "SET client_min_messages = warning", "-c", &statement])
            .status()?;
        anyhow::ensure!(status.success(), "psql: {statement}");
    }
    let (base, _) =
        server.rsplit_once('/').ok_or_else(|| anyhow::anyhow!("HOVOR_BENCH_POSTGRES: no database"))?;
    Ok(format!("{base}/{name}"))
}

impl Drop for Server {
    fn drop(&mut self) {
        for process in &mut self.processes {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

pub async fn wait_for_health(port: u16) -> anyhow::Result<()> {
    let started = Instant::now();
    while request(port, "GET", "/api/health", None, None).await.is_err() {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(120), "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Signs a demo user in; the session cookie as `name=value`.
pub async fn sign_in(port: u16, username: &str) -> anyhow::Result<String> {
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
pub async fn request(
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

/// The whole answer, head and body, of one request on its own connection.
pub async fn raw(
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

/// The value at fraction `p` of sorted figures (NaN when there are none).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

pub fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "OVER BUDGET" }
}

/// Resident memory of a process in KB, from /proc.
pub fn rss_kb(pid: u32) -> anyhow::Result<u64> {
    proc_status(pid, "VmRSS:")
}

/// A number from /proc/PID/status.
pub fn proc_status(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no {field} in /proc/{pid}/status"))
}
