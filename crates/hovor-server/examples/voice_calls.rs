//! Benchmark: concurrent forwarded 1:1 calls through the media switch (docs/PERFORMANCE.md, "Voice").
//!
//! Starts the switch on loopback and connects 2 × CALLS WebRTC clients (str0m, doing what a browser
//! does, driven by this program's main thread), pairs them so each hears the other, and lets every
//! client send a 20 ms packet every 20 ms, stamped with its send time. After a warm-up it measures, over
//! SECONDS: the switch thread's CPU (from /proc), packets lost (sent by one party, never heard by the
//! other), and the one-way delay through the switch. Arguments: `[CALLS] [SECONDS]` (250, 10).

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use hovor_server::voice::switch::{Feed, PeerEvent, Switch};
use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};

const CPU_BUDGET: f64 = 0.5;
const DELAY_BUDGET_MS: f64 = 150.0;

struct Client {
    rtc: Rtc,
    socket: UdpSocket,
    mid: Mid,
    pt: Option<Pt>,
    connected: bool,
    next_send: Instant,
    sent: u64,
    /// Counting: packets sent and heard inside the measured window, and the delays heard.
    counting: bool,
    sent_counted: u64,
    heard_counted: u64,
    delays_us: Vec<u64>,
}

impl Client {
    fn dial(switch: &Switch) -> anyhow::Result<(u64, Client)> {
        let socket = UdpSocket::bind("127.0.0.1:0")?;
        socket.set_nonblocking(true)?;
        let mut rtc = Rtc::builder().clear_codecs().enable_opus(true, false).build(Instant::now());
        rtc.add_local_candidate(Candidate::host(socket.local_addr()?, "udp")?);
        let mut sdp = rtc.sdp_api();
        let mid = sdp.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
        let (offer, pending) = sdp.apply().ok_or_else(|| anyhow::anyhow!("no offer"))?;
        let (peer, answer) = switch.connect(&offer.to_sdp_string())?;
        rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer)?)?;
        let client = Client {
            rtc,
            socket,
            mid,
            pt: None,
            connected: false,
            next_send: Instant::now(),
            sent: 0,
            counting: false,
            sent_counted: 0,
            heard_counted: 0,
            delays_us: Vec::new(),
        };
        Ok((peer, client))
    }

    fn pump(&mut self, epoch: Instant, buf: &mut [u8]) {
        let now = Instant::now();
        if self.connected && now >= self.next_send {
            let pt = *self.pt.get_or_insert_with(|| {
                let writer = self.rtc.writer(self.mid).expect("the audio track");
                writer.payload_params().find(|p| p.spec().codec == Codec::Opus).expect("Opus").pt()
            });
            // A CELT 20 ms TOC byte and the send time; 80 bytes in all, as 32 kbit/s voice.
            let mut packet = vec![0xf8];
            packet.extend_from_slice(&(now.duration_since(epoch).as_micros() as u64).to_be_bytes());
            packet.resize(80, 0);
            let time = MediaTime::new(self.sent * 960, Frequency::FORTY_EIGHT_KHZ);
            if let Some(writer) = self.rtc.writer(self.mid) {
                let _ = writer.write(pt, now, time, packet);
            }
            self.sent += 1;
            if self.counting {
                self.sent_counted += 1;
            }
            self.next_send += Duration::from_millis(20);
        }
        let local = self.socket.local_addr().expect("bound");
        while let Ok((n, source)) = self.socket.recv_from(buf) {
            let Ok(contents) = buf[..n].try_into() else { continue };
            let receive = Receive { proto: Protocol::Udp, source, destination: local, contents };
            let _ = self.rtc.handle_input(Input::Receive(Instant::now(), receive));
        }
        let _ = self.rtc.handle_input(Input::Timeout(Instant::now()));
        while let Ok(output) = self.rtc.poll_output() {
            match output {
                Output::Timeout(_) => break,
                Output::Transmit(t) => {
                    let _ = self.socket.send_to(&t.contents, t.destination);
                }
                Output::Event(Event::Connected) => {
                    self.connected = true;
                    self.next_send = Instant::now();
                }
                Output::Event(Event::MediaData(data)) if self.counting => {
                    self.heard_counted += 1;
                    if let Some(stamp) = data.data.get(1..9) {
                        let sent = u64::from_be_bytes(stamp.try_into().expect("8 bytes"));
                        let heard = Instant::now().duration_since(epoch).as_micros() as u64;
                        self.delays_us.push(heard.saturating_sub(sent));
                    }
                }
                Output::Event(_) => {}
            }
        }
    }
}

/// The switch thread's CPU time so far, in seconds (utime + stime from /proc, 100 ticks a second).
fn switch_cpu() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0.0 };
    for task in tasks.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() != "hovor-media" {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // Fields after the command name's closing parenthesis; utime and stime are the 12th and 13th.
        let fields: Vec<&str> =
            stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("").split_whitespace().collect();
        let ticks: f64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<f64>().ok()).sum();
        return ticks / 100.0;
    }
    0.0
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(250);
    let seconds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let (switch, mut events) = Switch::start("127.0.0.1:0".parse()?, None)?;
    let epoch = Instant::now();
    let mut clients = Vec::with_capacity(calls * 2);
    let mut peers = Vec::with_capacity(calls * 2);
    let mut buf = vec![0u8; 2000];
    let dialling = Instant::now();
    for _ in 0..calls * 2 {
        let (peer, client) = Client::dial(&switch)?;
        peers.push(peer);
        clients.push(client);
        // Each connection makes its ICE and DTLS handshake as soon as it exists, as a browser does.
        for client in &mut clients {
            client.pump(epoch, &mut buf);
        }
    }
    for pair in peers.chunks(2) {
        switch.route(pair[0], vec![Feed::Peer(pair[1])])?;
        switch.route(pair[1], vec![Feed::Peer(pair[0])])?;
    }
    let connect_by = Instant::now() + Duration::from_secs(60);
    let mut connected = 0;
    while clients.iter().any(|c| !c.connected) || connected < clients.len() {
        anyhow::ensure!(
            Instant::now() < connect_by,
            "after 60 s the switch saw {connected} connections, the clients {}",
            clients.iter().filter(|c| c.connected).count()
        );
        for client in &mut clients {
            client.pump(epoch, &mut buf);
        }
        while let Ok(event) = events.try_recv() {
            if let PeerEvent::Connected(_) = event {
                connected += 1;
            }
        }
    }
    let run = |clients: &mut Vec<Client>, buf: &mut [u8], until: Instant| {
        while Instant::now() < until {
            for client in clients.iter_mut() {
                client.pump(epoch, buf);
            }
            std::thread::sleep(Duration::from_micros(500));
        }
    };
    println!("  {} connections made in {:.1} s", clients.len(), dialling.elapsed().as_secs_f64());
    run(&mut clients, &mut buf, Instant::now() + Duration::from_secs(2));
    for client in &mut clients {
        client.counting = true;
    }
    let cpu_before = switch_cpu();
    let started = Instant::now();
    run(&mut clients, &mut buf, started + Duration::from_secs(seconds));
    for client in &mut clients {
        client.counting = false;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = (switch_cpu() - cpu_before) / elapsed;
    // Let the packets still on their way arrive.
    run(&mut clients, &mut buf, Instant::now() + Duration::from_millis(300));

    let sent: u64 = clients.iter().map(|c| c.sent_counted).sum();
    let heard: u64 = clients.iter().map(|c| c.heard_counted).sum();
    let mut delays: Vec<u64> = clients.iter().flat_map(|c| c.delays_us.iter().copied()).collect();
    delays.sort_unstable();
    let loss = 1.0 - heard as f64 / sent.max(1) as f64;
    println!("voice: {calls} forwarded 1:1 calls ({} connections), {seconds} s", calls * 2);
    println!(
        "  switch thread CPU: {:.1} % of a core (budget < {:.0} %) {}",
        cpu * 100.0,
        CPU_BUDGET * 100.0,
        if cpu < CPU_BUDGET { "ok" } else { "OVER" }
    );
    println!("  packets: {sent} sent, {heard} heard, loss {:.3} % (budget 0)", loss.max(0.0) * 100.0);
    println!(
        "  one-way delay through the switch: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms (budget p95 ≤ {DELAY_BUDGET_MS} ms) {}",
        percentile(&delays, 0.5),
        percentile(&delays, 0.95),
        percentile(&delays, 0.99),
        if percentile(&delays, 0.95) <= DELAY_BUDGET_MS { "ok" } else { "OVER" }
    );
    if cpu >= CPU_BUDGET || loss > 0.0 || percentile(&delays, 0.95) > DELAY_BUDGET_MS {
        std::process::exit(1);
    }
    Ok(())
}
