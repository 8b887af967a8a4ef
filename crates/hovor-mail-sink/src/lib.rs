//! A local SMTP server that accepts every email and keeps it as a file: the relay Hovor sends to in the
//! demo and the tests. The protocol is `mailin`'s; this crate adds the sockets and the files.
//!
//! Each email becomes `<n>.eml` in the directory, its envelope first as `X-Sink-Envelope-From` and
//! `X-Sink-Envelope-To` headers. Recipients listed as refused get 550 (a permanent failure), deferred
//! ones 451 (try again later), so both outcomes can be shown and tested.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use mailin::{Action, Handler, Response, SessionBuilder, response};

/// Longest line the sink reads; a longer one ends the connection.
const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Recipients refused for good (550).
    pub refuse: Vec<String>,
    /// Recipients refused for now (451).
    pub defer: Vec<String>,
}

struct Shared {
    dir: PathBuf,
    rules: Rules,
    count: AtomicU64,
}

/// Serves SMTP on `listener` until the process ends, one thread per connection.
pub fn serve(listener: TcpListener, dir: &Path, rules: Rules) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let start = std::fs::read_dir(dir)?.count() as u64;
    let shared = Arc::new(Shared { dir: dir.to_owned(), rules, count: AtomicU64::new(start) });
    for stream in listener.incoming() {
        let stream = stream?;
        let shared = shared.clone();
        std::thread::spawn(move || {
            let _ = session(stream, shared);
        });
    }
    Ok(())
}

fn session(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let peer = stream.peer_addr()?.ip();
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let handler = Sink { shared, from: String::new(), to: Vec::new(), data: Vec::new() };
    let mut smtp = SessionBuilder::new("hovor-mail-sink").build(peer, handler);
    smtp.greeting().write_to(&mut writer)?;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader.by_ref().take(MAX_LINE as u64).read_until(b'\n', &mut line)?;
        if read == 0 || (read == MAX_LINE && !line.ends_with(b"\n")) {
            return Ok(());
        }
        let answer = smtp.process(&line);
        match answer.action {
            Action::NoReply => {}
            Action::Close => {
                answer.write_to(&mut writer)?;
                return writer.flush();
            }
            Action::Reply | Action::UpgradeTls => answer.write_to(&mut writer)?,
        }
    }
}

struct Sink {
    shared: Arc<Shared>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Sink {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.from = from.to_owned();
        self.to.clear();
        self.data.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let listed = |list: &[String]| list.iter().any(|a| a.eq_ignore_ascii_case(to));
        if listed(&self.shared.rules.refuse) {
            return response::NO_MAILBOX;
        }
        if listed(&self.shared.rules.defer) {
            return response::INTERNAL_ERROR;
        }
        self.to.push(to.to_owned());
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        match self.keep() {
            Ok(()) => response::OK,
            Err(_) => response::INTERNAL_ERROR,
        }
    }
}

impl Sink {
    /// Writes the email beside the others; a reader never sees half a file.
    fn keep(&mut self) -> std::io::Result<()> {
        let n = self.shared.count.fetch_add(1, Ordering::SeqCst) + 1;
        let envelope =
            format!("X-Sink-Envelope-From: {}\r\nX-Sink-Envelope-To: {}\r\n", self.from, self.to.join(", "));
        let partial = self.shared.dir.join(format!(".{n}.eml.part"));
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(envelope.as_bytes())?;
        file.write_all(&self.data)?;
        file.sync_all()?;
        std::fs::rename(partial, self.shared.dir.join(format!("{n:05}.eml")))
    }
}

/// The emails received so far, oldest first, as raw bytes.
pub fn received(dir: &Path) -> std::io::Result<Vec<Vec<u8>>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    names.sort();
    names.iter().map(std::fs::read).collect()
}
