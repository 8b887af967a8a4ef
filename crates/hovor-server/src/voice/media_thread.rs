//! The switch's thread: reads the UDP socket in batches, hands each datagram to the connection it
//! belongs to, forwards what each microphone sends to the peers that hear it alone, plays the music,
//! mixes every 20 ms, and drives the connections' timers. A connection is polled only when something
//! happened to it or its timer is due, so the cost grows with the packets, not with the peers.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec};
use str0m::format::Codec;
use str0m::media::{Frequency, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Event, IceConnectionState, Input, Output, Rtc};
use tokio::sync::mpsc::UnboundedSender;

use super::downlink::{Downlink, Origin, Schedule, Timing};
use super::mixer::{FRAME, MixEncoder, Sources};
use super::music::{HOLD_MUSIC, Music, OPUS_RATE, Player, QUEUE_MUSIC, packet_samples, samples_duration};
use super::splice::{self, Recent, Splice};
use super::switch::{Command, Counters, Feed, PeerEvent, PeerId};

/// The longest the thread sleeps in the socket: commands are picked up at least this often.
const IDLE_WAIT: Duration = Duration::from_millis(20);
/// The shortest: a connection whose timer does not move on cannot make the thread spin.
const MIN_WAIT: Duration = Duration::from_micros(500);
/// Datagrams read in one go before the connections are polled again.
const BATCH: usize = 256;

struct Peer {
    rtc: Rtc,
    /// The audio track, once the offer's media is known.
    mid: Option<Mid>,
    /// Opus's payload type on this connection.
    opus: Option<Pt>,
    /// What it hears, sorted.
    feeds: Vec<Feed>,
    /// With two feeds or more: the encoder of its mix.
    mix: Option<MixEncoder>,
    downlink: Downlink,
    /// The last packets it was sent, and its first ones from a new source.
    heard: Recent,
    splice: Option<Splice>,
    /// A new source's first packet that would come early for its time, and when it is due: a
    /// browser measures every later packet against the earliest, so one early packet would add its
    /// earliness to the listener's buffer.
    held: Option<Held>,
    connected: bool,
    counters: Arc<Counters>,
    /// When its timers next need it.
    due: Instant,
    /// Input arrived or media was written since it was last polled.
    dirty: bool,
}

/// Packets held back until they are due, each with its time in the listener's stream.
struct Held {
    due: Instant,
    packets: Vec<(u64, Arc<[u8]>)>,
}

impl Peer {
    /// Sends a packet of `origin`; `recent` are the origin's packets before it, for a switch of source.
    fn send(&mut self, origin: Origin, packet: &Packet, recent: Option<&Recent>, now: Instant) {
        let (Some(mid), Some(pt), true) = (self.mid, self.opus, self.connected) else { return };
        // What was held back goes before anything after it.
        self.release_held(now);
        let switched = self.downlink.origin() != Some(origin);
        // Only a switch to a feed can shorten its first packet (see `Splice`).
        let max_early = if recent.is_some() { splice::MAX_TRIM } else { 0 };
        let Some(placed) = self.downlink.place(origin, &packet.timing, max_early, now) else { return };
        let data = packet.data;
        if switched {
            self.splice = match (origin, recent) {
                (Origin::Feed(_), Some(recent)) => Splice::start(&self.heard, recent, data, placed.early)
                    .inspect_err(|e| tracing::debug!(error = %e, "a switch of source forwarded as it is"))
                    .ok(),
                _ => None,
            };
        }
        match self.splice.as_mut().and_then(|splice| splice.next(data)) {
            Some(reencoded) => {
                self.downlink.advance(reencoded.trimmed);
                let mut out = placed.time;
                let mut packets = Vec::with_capacity(reencoded.packets.len());
                for (length, packet) in reencoded.packets {
                    packets.push((out, Arc::from(packet)));
                    out = out.wrapping_add(u64::from(length));
                }
                self.held = Some(Held { due: now + samples_duration(u64::from(placed.early)), packets });
                self.release_due(now);
            }
            None if placed.early > 0 => {
                self.splice = None;
                let packets = vec![(placed.time, data.clone())];
                self.held = Some(Held { due: now + samples_duration(u64::from(placed.early)), packets });
            }
            None => {
                self.splice = None;
                self.write(mid, pt, placed.time, data.clone(), now);
            }
        }
    }

    /// Writes the packets held back if they are due.
    fn release_due(&mut self, now: Instant) {
        if self.held.as_ref().is_some_and(|held| held.due <= now) {
            self.release_held(now);
        }
    }

    /// Writes the packets held back, due or not.
    fn release_held(&mut self, now: Instant) {
        let Some(Held { packets, .. }) = self.held.take() else { return };
        let (Some(mid), Some(pt)) = (self.mid, self.opus) else { return };
        for (time, packet) in packets {
            self.write(mid, pt, time, packet, now);
        }
    }

    /// When the thread must next attend to it.
    fn wake(&self) -> Instant {
        self.held.as_ref().map_or(self.due, |held| self.due.min(held.due))
    }

    fn write(&mut self, mid: Mid, pt: Pt, time: u64, packet: Arc<[u8]>, now: Instant) {
        self.heard.push(&packet);
        let Some(writer) = self.rtc.writer(mid) else { return };
        if writer.write(pt, now, MediaTime::new(time, Frequency::FORTY_EIGHT_KHZ), packet).is_ok() {
            self.counters.packets_out.fetch_add(1, Ordering::Relaxed);
            self.dirty = true;
        }
    }
}

/// A packet on its way to a listener, and where it stands on its source's schedule.
struct Packet<'a> {
    timing: Timing,
    data: &'a Arc<[u8]>,
}

/// An Opus packet heard on one peer's microphone.
struct Heard {
    from: PeerId,
    time: u64,
    data: Arc<[u8]>,
}

/// A call's recording: the mix of its feeds every 20 ms, encoded and handed to the file's writer.
struct Recorder {
    feeds: Vec<Feed>,
    encoder: MixEncoder,
    sink: std::sync::mpsc::Sender<Vec<u8>>,
}

pub(super) struct MediaThread {
    socket: UdpSocket,
    /// The address browsers send to, as ICE knows it (the candidate, which NAT may translate).
    destination: SocketAddr,
    inbox: Receiver<Command>,
    events: UnboundedSender<PeerEvent>,
    peers: HashMap<PeerId, Peer>,
    /// The peers that hear each feed alone, and those that hear a mix; rebuilt on every route change.
    forwards: HashMap<Feed, Vec<PeerId>>,
    mixing: Vec<PeerId>,
    /// The peer that last accepted datagrams from each address, tried first.
    by_address: HashMap<SocketAddr, PeerId>,
    /// Every feed's last packets and schedule, for listeners switched to it.
    history: HashMap<Feed, History>,
    /// When the switch started: its clock counts samples from here.
    epoch: Instant,
    /// The queue's and the hold music, on air whether or not anyone listens.
    players: [(Feed, Player); 2],
    /// The decoded sources of every mix.
    sources: Sources,
    recorders: HashMap<super::switch::RecorderId, Recorder>,
    /// When the next 20 ms of the mixes are due, their clock in samples, and their schedule.
    mix_due: Instant,
    mix_time: u64,
    mix_schedule: Schedule,
}

/// What a feed sent lately.
#[derive(Default)]
struct History {
    recent: Recent,
    schedule: Schedule,
}

impl MediaThread {
    pub(super) fn new(
        socket: UdpSocket,
        destination: SocketAddr,
        inbox: Receiver<Command>,
        events: UnboundedSender<PeerEvent>,
    ) -> anyhow::Result<MediaThread> {
        // Reads never wait: `receive` waits in poll(2).
        socket.set_nonblocking(true)?;
        let now = Instant::now();
        Ok(MediaThread {
            socket,
            destination,
            inbox,
            events,
            peers: HashMap::new(),
            forwards: HashMap::new(),
            mixing: Vec::new(),
            by_address: HashMap::new(),
            history: HashMap::new(),
            epoch: now,
            players: [
                (Feed::QueueMusic, Player::new(Music::from_ogg(QUEUE_MUSIC)?, now)),
                (Feed::HoldMusic, Player::new(Music::from_ogg(HOLD_MUSIC)?, now)),
            ],
            sources: Sources::default(),
            recorders: HashMap::new(),
            mix_due: now,
            mix_time: 0,
            mix_schedule: Schedule::default(),
        })
    }

    pub(super) fn run(mut self) {
        let mut buf = vec![0u8; 2000];
        let mut heard = Vec::new();
        loop {
            if !self.take_commands() {
                return;
            }
            let now = Instant::now();
            self.play_music(now);
            if now >= self.mix_due {
                self.mix(now);
            }
            for (id, peer) in &mut self.peers {
                peer.release_due(now);
                if peer.due <= now {
                    if peer.rtc.is_alive() && peer.rtc.handle_input(Input::Timeout(now)).is_err() {
                        peer.rtc.disconnect();
                    }
                    peer.dirty = true;
                }
                if peer.dirty {
                    peer.due = poll(*id, peer, &self.socket, &self.events, &mut heard);
                    peer.dirty = false;
                }
            }
            if !heard.is_empty() {
                let now = Instant::now();
                for packet in heard.drain(..) {
                    // Opus in WebRTC is 20 ms unless the browser was told otherwise.
                    let samples = packet_samples(&packet.data).unwrap_or(FRAME as u32);
                    self.deliver(Feed::Peer(packet.from), packet.time, samples, &packet.data, now);
                }
                // What was just written is sent before the thread sleeps.
                continue;
            }
            self.drop_dead();
            let music = self.players.iter().map(|(_, p)| p.due()).min().unwrap_or(now);
            let timers = self.peers.values().map(Peer::wake).min().unwrap_or(now + IDLE_WAIT);
            let wake = music.min(self.mix_due).min(timers).min(now + IDLE_WAIT);
            self.receive(&mut buf, wake);
        }
    }

    /// Applies the call layer's commands; false when the server has dropped the switch.
    fn take_commands(&mut self) -> bool {
        let mut routes_changed = false;
        let alive = loop {
            match self.inbox.try_recv() {
                Ok(Command::Add(id, rtc, counters)) => {
                    let peer = Peer {
                        rtc: *rtc,
                        mid: None,
                        opus: None,
                        feeds: Vec::new(),
                        mix: None,
                        downlink: Downlink::default(),
                        heard: Recent::default(),
                        splice: None,
                        held: None,
                        connected: false,
                        counters,
                        due: Instant::now(),
                        dirty: true,
                    };
                    self.peers.insert(id, peer);
                }
                Ok(Command::Route(id, feeds)) => {
                    if let Some(peer) = self.peers.get_mut(&id) {
                        if feeds.len() < 2 {
                            peer.mix = None;
                        } else if peer.mix.is_none() {
                            match splice::following(&peer.heard) {
                                Ok(encoder) => peer.mix = Some(encoder),
                                Err(e) => tracing::warn!(error = %e, "no mix for a listener"),
                            }
                        }
                        peer.feeds = feeds;
                        routes_changed = true;
                    }
                }
                Ok(Command::Remove(id)) => {
                    if let Some(peer) = self.peers.get_mut(&id) {
                        peer.rtc.disconnect();
                    }
                }
                Ok(Command::Record(id, sink)) => match MixEncoder::new() {
                    Ok(encoder) => {
                        self.recorders.insert(id, Recorder { feeds: Vec::new(), encoder, sink });
                    }
                    Err(e) => tracing::warn!(error = %e, "no encoder for a recording"),
                },
                Ok(Command::RecordFeeds(id, feeds)) => {
                    if let Some(recorder) = self.recorders.get_mut(&id) {
                        recorder.feeds = feeds;
                        routes_changed = true;
                    }
                }
                Ok(Command::StopRecording(id)) => {
                    self.recorders.remove(&id);
                    routes_changed = true;
                }
                Err(TryRecvError::Empty) => break true,
                Err(TryRecvError::Disconnected) => break false,
            }
        };
        if routes_changed {
            self.rebuild_routes();
        }
        alive
    }

    /// Indexes who hears what, and decodes exactly the feeds some mix hears.
    fn rebuild_routes(&mut self) {
        self.forwards.clear();
        self.mixing.clear();
        for (id, peer) in &self.peers {
            match peer.feeds.as_slice() {
                [] => {}
                [feed] => self.forwards.entry(*feed).or_default().push(*id),
                _ => self.mixing.push(*id),
            }
        }
        let mixed = self.mixing.iter().filter_map(|id| self.peers.get(id)).flat_map(|p| p.feeds.clone());
        let recorded = self.recorders.values().flat_map(|r| r.feeds.clone());
        let wanted: Vec<Feed> = mixed.chain(recorded).collect();
        for feed in &wanted {
            if let Err(e) = self.sources.want(*feed) {
                tracing::warn!(error = %e, "a source left out of the mixes");
            }
        }
        self.sources.keep_only(|feed| wanted.contains(&feed));
    }

    fn play_music(&mut self, now: Instant) {
        for i in 0..self.players.len() {
            let feed = self.players[i].0;
            while let Some((time, frame)) = self.players[i].1.take(now) {
                self.deliver(feed, time, frame.samples, &frame.data, now);
            }
        }
    }

    /// Forwards a packet of `feed` to every peer that hears it alone, and keeps it for the mixes
    /// that hear it with others.
    fn deliver(&mut self, feed: Feed, time: u64, samples: u32, data: &Arc<[u8]>, now: Instant) {
        let clock = self.clock(now);
        let history = self.history.entry(feed).or_default();
        history.schedule.note(clock.wrapping_sub(time as i64), now);
        let source_earliest = history.schedule.earliest().unwrap_or_default();
        let packet = Packet { timing: Timing { time, samples, clock, source_earliest }, data };
        if let Some(listeners) = self.forwards.get(&feed) {
            for id in listeners {
                if let Some(peer) = self.peers.get_mut(id) {
                    peer.send(Origin::Feed(feed), &packet, Some(&history.recent), now);
                }
            }
        }
        history.recent.push(data);
        if self.sources.has(feed)
            && let Err(e) = self.sources.push(feed, data)
        {
            tracing::debug!(error = %e, "an undecodable packet left out of the mixes");
        }
    }

    /// The next 20 ms of every mix.
    fn mix(&mut self, now: Instant) {
        self.sources.tick();
        let time = self.mix_time;
        self.mix_time += FRAME as u64;
        self.mix_due += Duration::from_millis(20);
        if now.saturating_duration_since(self.mix_due) > Duration::from_millis(200) {
            self.mix_due = now;
        }
        let clock = self.clock(now);
        self.mix_schedule.note(clock.wrapping_sub(time as i64), now);
        let source_earliest = self.mix_schedule.earliest().unwrap_or_default();
        let mut frame = [0i16; FRAME];
        for id in &self.mixing {
            let Some(peer) = self.peers.get_mut(id) else { continue };
            let Some(encoder) = peer.mix.as_mut() else { continue };
            if !self.sources.mix(&peer.feeds, &mut frame) {
                continue;
            }
            match encoder.encode(&frame) {
                Ok(data) => {
                    let timing = Timing { time, samples: FRAME as u32, clock, source_earliest };
                    let packet = Packet { timing, data: &data.into() };
                    peer.send(Origin::Mix, &packet, None, now);
                }
                Err(e) => tracing::warn!(error = %e, "a mix could not be encoded"),
            }
        }
        // A recording takes every 20 ms, silence included (a pause, a held customer), so the file's
        // time is the call's.
        let mut gone = Vec::new();
        for (id, recorder) in &mut self.recorders {
            self.sources.mix(&recorder.feeds, &mut frame);
            match recorder.encoder.encode(&frame) {
                Ok(packet) => {
                    if recorder.sink.send(packet).is_err() {
                        gone.push(*id);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "a recording's frame could not be encoded"),
            }
        }
        for id in gone {
            self.recorders.remove(&id);
        }
    }

    /// Waits until `wake` for a datagram, then takes whatever has arrived. The socket never blocks:
    /// poll(2) does the waiting, with a timer precise to the microsecond.
    fn receive(&mut self, buf: &mut [u8], wake: Instant) {
        let wait = wake.saturating_duration_since(Instant::now()).max(MIN_WAIT);
        let timeout = Timespec { tv_sec: wait.as_secs() as _, tv_nsec: wait.subsec_nanos() as _ };
        let mut socket = [PollFd::new(&self.socket, PollFlags::IN)];
        match rustix::event::poll(&mut socket, Some(&timeout)) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                if e != rustix::io::Errno::INTR {
                    tracing::warn!(error = %e, "waiting on the media socket failed");
                }
                return;
            }
        }
        for _ in 0..BATCH {
            match self.socket.recv_from(buf) {
                Ok((n, source)) => self.input(&buf[..n], source),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => {
                    tracing::warn!(error = %e, "media socket read failed");
                    break;
                }
            }
        }
    }

    /// The switch's clock: samples at 48 kHz since it started.
    fn clock(&self, now: Instant) -> i64 {
        let micros = now.saturating_duration_since(self.epoch).as_micros() as u64;
        (micros * u64::from(OPUS_RATE) / 1_000_000) as i64
    }

    /// Hands a datagram to the connection it belongs to.
    fn input(&mut self, datagram: &[u8], source: SocketAddr) {
        let Ok(contents) = datagram.try_into() else { return };
        let input = Input::Receive(
            Instant::now(),
            Receive { proto: Protocol::Udp, source, destination: self.destination, contents },
        );
        let known = self
            .by_address
            .get(&source)
            .copied()
            .filter(|id| self.peers.get(id).is_some_and(|p| p.rtc.accepts(&input)));
        let id = match known {
            Some(id) => id,
            None => {
                let Some(id) = self.peers.iter().find(|(_, p)| p.rtc.accepts(&input)).map(|(id, _)| *id)
                else {
                    return;
                };
                self.by_address.insert(source, id);
                id
            }
        };
        let Some(peer) = self.peers.get_mut(&id) else { return };
        if peer.rtc.handle_input(input).is_err() {
            peer.rtc.disconnect();
        }
        peer.dirty = true;
    }

    fn drop_dead(&mut self) {
        let dead: Vec<PeerId> =
            self.peers.iter().filter(|(_, p)| !p.rtc.is_alive()).map(|(id, _)| *id).collect();
        if dead.is_empty() {
            return;
        }
        for id in &dead {
            self.peers.remove(id);
            let _ = self.events.send(PeerEvent::Gone(*id));
        }
        self.by_address.retain(|_, id| !dead.contains(id));
        self.history.retain(|feed, _| !matches!(feed, Feed::Peer(id) if dead.contains(id)));
        self.rebuild_routes();
    }
}

/// Sends what a connection has to send, collects what it heard, and returns when it next needs time.
fn poll(
    id: PeerId,
    peer: &mut Peer,
    socket: &UdpSocket,
    events: &UnboundedSender<PeerEvent>,
    heard: &mut Vec<Heard>,
) -> Instant {
    loop {
        if !peer.rtc.is_alive() {
            return Instant::now();
        }
        let output = match peer.rtc.poll_output() {
            Ok(output) => output,
            Err(e) => {
                tracing::debug!(peer = id, error = %e, "media connection failed");
                peer.rtc.disconnect();
                return Instant::now();
            }
        };
        match output {
            Output::Timeout(at) => return at,
            Output::Transmit(t) => {
                let _ = socket.send_to(&t.contents, t.destination);
            }
            Output::Event(Event::Connected) => {
                peer.connected = true;
                let _ = events.send(PeerEvent::Connected(id));
            }
            Output::Event(Event::IceConnectionStateChange(IceConnectionState::Disconnected)) => {
                peer.rtc.disconnect();
            }
            Output::Event(Event::MediaAdded(added)) if added.kind == MediaKind::Audio => {
                peer.mid = Some(added.mid);
                peer.opus = peer
                    .rtc
                    .writer(added.mid)
                    .and_then(|w| w.payload_params().find(|p| p.spec().codec == Codec::Opus).map(|p| p.pt()));
            }
            Output::Event(Event::MediaData(data)) => {
                peer.counters.packets_in.fetch_add(1, Ordering::Relaxed);
                heard.push(Heard { from: id, time: data.time.numer(), data: data.data });
            }
            Output::Event(_) => {}
        }
    }
}
