//! The media switch: one UDP socket, one WebRTC connection per browser (agent desk, phone page), and
//! for each connection what it hears: one feed forwarded packet by packet without decoding, or several
//! mixed (`mixer.rs`).
//!
//! The switch knows nothing about calls: the call layer tells it, after every change, which feeds each
//! peer hears ([`Switch::route`]), as [`hovor_types::voice::Call::hears`] decides. The work happens on
//! a thread of its own (`media_thread.rs`), because WebRTC's timers and the 20 ms packets of music and
//! mixes must not wait for the async runtime.

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, anyhow};
use str0m::change::SdpOffer;
use str0m::rtp::Extension;
use str0m::{Candidate, Rtc};

use super::media_thread::MediaThread;

/// One browser's audio connection.
pub type PeerId = u64;

/// What a peer hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feed {
    /// Another peer's microphone.
    Peer(PeerId),
    QueueMusic,
    HoldMusic,
}

/// What the switch tells the call layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerEvent {
    /// The browser's audio is connected (ICE and DTLS done): it can hear and be heard.
    Connected(PeerId),
    /// The connection is gone: closed, timed out or never completed.
    Gone(PeerId),
}

/// Packets a peer sent and was sent, counted without locks by the media thread.
#[derive(Debug, Default)]
pub struct Counters {
    pub packets_in: AtomicU64,
    pub packets_out: AtomicU64,
}

/// A reading of [`Counters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeerCounters {
    pub packets_in: u64,
    pub packets_out: u64,
}

/// A call's recording in the switch.
pub type RecorderId = u64;

pub(super) enum Command {
    Add(PeerId, Box<Rtc>, Arc<Counters>),
    Route(PeerId, Vec<Feed>),
    Remove(PeerId),
    Record(RecorderId, std::sync::mpsc::Sender<Vec<u8>>),
    RecordFeeds(RecorderId, Vec<Feed>),
    StopRecording(RecorderId),
}

/// The handle the server keeps; cloning it shares the one switch thread.
#[derive(Clone)]
pub struct Switch {
    commands: Sender<Command>,
    /// The address browsers send their audio to (the UDP socket's, or the configured public one).
    candidate: SocketAddr,
    counters: Arc<Mutex<HashMap<PeerId, Arc<Counters>>>>,
    next_peer: Arc<AtomicU64>,
    /// Wakes the switch thread from its wait for audio, so that a command (a hold, a transfer) is
    /// heard at once instead of at the next packet or tick (up to 20 ms later).
    waker: Arc<Waker>,
}

/// A datagram to the media socket that no WebRTC connection takes (its first byte is none of STUN,
/// DTLS or RTP), sent from a socket of its own.
struct Waker {
    socket: UdpSocket,
    to: SocketAddr,
}

impl Waker {
    const DATAGRAM: [u8; 1] = [0xff];

    fn new(media: SocketAddr) -> anyhow::Result<Waker> {
        let to = match media.ip() {
            ip if ip.is_unspecified() && media.is_ipv4() => SocketAddr::from(([127, 0, 0, 1], media.port())),
            ip if ip.is_unspecified() => SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, media.port())),
            _ => media,
        };
        let any: SocketAddr =
            if to.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { (std::net::Ipv6Addr::UNSPECIFIED, 0).into() };
        let socket = UdpSocket::bind(any).context("binding the media switch's waker")?;
        socket.set_nonblocking(true)?;
        Ok(Waker { socket, to })
    }

    fn wake(&self) {
        // A lost wake-up only delays the command until the next packet or tick.
        let _ = self.socket.send_to(&Self::DATAGRAM, self.to);
    }
}

impl Switch {
    /// Binds the UDP socket and starts the switch thread. `public` is the address to tell browsers
    /// when they cannot reach `bind` directly (a server behind NAT); `None` advertises the socket's own.
    pub fn start(
        bind: SocketAddr,
        public: Option<SocketAddr>,
    ) -> anyhow::Result<(Switch, tokio::sync::mpsc::UnboundedReceiver<PeerEvent>)> {
        str0m::crypto::from_feature_flags().install_process_default();
        let socket = UdpSocket::bind(bind).with_context(|| format!("binding the media port {bind}"))?;
        let candidate = advertised(socket.local_addr()?, public)?;
        let waker = Arc::new(Waker::new(socket.local_addr()?)?);
        let (commands, inbox) = channel();
        let (events, outbox) = tokio::sync::mpsc::unbounded_channel();
        let thread = MediaThread::new(socket, candidate, inbox, events)?;
        std::thread::Builder::new().name("hovor-media".into()).spawn(move || thread.run())?;
        let switch = Switch {
            commands,
            candidate,
            counters: Arc::default(),
            next_peer: Arc::new(AtomicU64::new(1)),
            waker,
        };
        Ok((switch, outbox))
    }

    /// Where browsers send their audio.
    pub fn candidate(&self) -> SocketAddr {
        self.candidate
    }

    /// Answers a browser's SDP offer (one audio track, sent and received) and adds its connection.
    pub fn connect(&self, offer: &str) -> anyhow::Result<(PeerId, String)> {
        let offer = SdpOffer::from_sdp_string(offer).map_err(|e| anyhow!("not an SDP offer: {e}"))?;
        // ICE-lite: the server only answers the browser's checks, so it needs no STUN or TURN of its own.
        // A packet is passed on as soon as it arrives, never held back while one before it is
        // missing: the listener's browser conceals a lost packet anyway, and waiting for it (str0m's
        // default, up to 15 packets) would stall the voice 300 ms and then burst, which every
        // browser's jitter buffer answers by adding delay for the rest of the call. One that comes
        // after its successor is too late to use and dropped.
        let mut rtc = Rtc::builder()
            .set_ice_lite(true)
            .clear_codecs()
            .enable_opus(true, false)
            .set_reordering_size_audio(1)
            // Only the track's identity among the header extensions: transport-wide congestion
            // feedback, send times and levels serve a sender that adapts its bitrate, and the
            // switch does not; each would cost every packet and a stream of reports both ways.
            .clear_extension_map()
            .set_extension(4, Extension::RtpMid)
            .build(Instant::now());
        let candidate = Candidate::host(self.candidate, "udp").map_err(|e| anyhow!("media address: {e}"))?;
        rtc.add_local_candidate(candidate);
        let answer =
            rtc.sdp_api().accept_offer(offer).map_err(|e| anyhow!("the offer cannot be answered: {e}"))?;
        let peer = self.next_peer.fetch_add(1, Ordering::Relaxed);
        let counters = Arc::new(Counters::default());
        if let Ok(mut all) = self.counters.lock() {
            all.insert(peer, counters.clone());
        }
        self.send(Command::Add(peer, Box::new(rtc), counters))?;
        Ok((peer, answer.to_sdp_string()))
    }

    /// What `peer` hears from now on: nothing (silence), one feed (forwarded) or several (mixed).
    pub fn route(&self, peer: PeerId, mut feeds: Vec<Feed>) -> anyhow::Result<()> {
        feeds.sort_unstable();
        feeds.dedup();
        self.send(Command::Route(peer, feeds))
    }

    /// Closes a peer's connection.
    pub fn remove(&self, peer: PeerId) -> anyhow::Result<()> {
        if let Ok(mut all) = self.counters.lock() {
            all.remove(&peer);
        }
        self.send(Command::Remove(peer))
    }

    /// Starts a recorder: every 20 ms from now until [`Switch::stop_recording`], the mix of the feeds
    /// it is given (silence while none), as one Opus packet on the receiver.
    pub fn record(&self) -> anyhow::Result<(RecorderId, std::sync::mpsc::Receiver<Vec<u8>>)> {
        let id = self.next_peer.fetch_add(1, Ordering::Relaxed);
        let (packets, receiver) = channel();
        self.send(Command::Record(id, packets))?;
        Ok((id, receiver))
    }

    /// What a recorder takes in from now on.
    pub fn record_feeds(&self, recorder: RecorderId, mut feeds: Vec<Feed>) -> anyhow::Result<()> {
        feeds.sort_unstable();
        feeds.dedup();
        self.send(Command::RecordFeeds(recorder, feeds))
    }

    /// Ends a recording: its receiver sees the end after the last packet.
    pub fn stop_recording(&self, recorder: RecorderId) -> anyhow::Result<()> {
        self.send(Command::StopRecording(recorder))
    }

    pub fn counters(&self, peer: PeerId) -> Option<PeerCounters> {
        let all = self.counters.lock().ok()?;
        let counters = all.get(&peer)?;
        Some(PeerCounters {
            packets_in: counters.packets_in.load(Ordering::Relaxed),
            packets_out: counters.packets_out.load(Ordering::Relaxed),
        })
    }

    fn send(&self, command: Command) -> anyhow::Result<()> {
        self.commands.send(command).map_err(|_| anyhow!("the media switch has stopped"))?;
        self.waker.wake();
        Ok(())
    }
}

/// The address to tell browsers: the configured public one, else the socket's own, else (listening on
/// every interface) the address of the interface with the default route.
fn advertised(local: SocketAddr, public: Option<SocketAddr>) -> anyhow::Result<SocketAddr> {
    if let Some(public) = public {
        return Ok(public);
    }
    if !local.ip().is_unspecified() {
        return Ok(local);
    }
    // Connecting a UDP socket sends nothing; it only picks the route (to TEST-NET-1, RFC 5737).
    let probe = UdpSocket::bind((local.ip(), 0))?;
    probe.connect("192.0.2.1:9").context("no default route: set --media-public")?;
    Ok(SocketAddr::new(probe.local_addr()?.ip(), local.port()))
}
