//! The media switch over real UDP on loopback: WebRTC clients (str0m, doing what a browser does)
//! connect to it, send marked packets every 20 ms, and each must hear exactly the feed it is routed
//! to, as one continuous stream across every switch.

use std::collections::HashSet;
use std::net::UdpSocket;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hovor_server::voice::mixer::MixEncoder;
use hovor_server::voice::music::{HOLD_MUSIC, Music, OPUS_RATE, QUEUE_MUSIC};
use hovor_server::voice::switch::{Feed, PeerEvent, PeerId, Switch};
use hovor_server::voice::tone::{share, sine};
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};

/// A marked packet's length: the TOC byte, the party's letter, the counter.
const MARKED: usize = 10;

/// What a party heard, in arrival order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    Party(u8),
    QueueMusic,
    HoldMusic,
    /// One of the first packets after a switch of source, which the switch encodes again.
    Reencoded,
}

/// A browser's audio connection: every 20 ms it sends a packet marked with its own letter, or with
/// `tone`, 20 ms of a sine really encoded with Opus.
pub struct Phone {
    letter: u8,
    tone: Option<(f64, MixEncoder)>,
    rtc: Rtc,
    socket: UdpSocket,
    mid: Mid,
    pt: Option<Pt>,
    next_send: Instant,
    sent: u64,
    pub connected: bool,
    pub heard: Vec<(Heard, u64)>,
    /// What arrived, as sent.
    packets: Vec<Arc<[u8]>>,
    pending: Option<SdpPendingOffer>,
    /// The counter of a packet lost on the way to the switch, and whether its datagram is still to go.
    lose: Option<u64>,
    losing: bool,
}

pub struct Tunes {
    queue: HashSet<Arc<[u8]>>,
    hold: HashSet<Arc<[u8]>>,
}

impl Tunes {
    pub fn load() -> Tunes {
        let packets =
            |bytes| Music::from_ogg(bytes).unwrap().frames().iter().map(|f| f.data.clone()).collect();
        Tunes { queue: packets(QUEUE_MUSIC), hold: packets(HOLD_MUSIC) }
    }

    fn identify(&self, data: &Arc<[u8]>) -> Heard {
        if self.queue.contains(data) {
            Heard::QueueMusic
        } else if self.hold.contains(data) {
            Heard::HoldMusic
        } else if data.len() == MARKED && data[0] == 0xf8 {
            Heard::Party(data[1])
        } else {
            Heard::Reencoded
        }
    }
}

impl Phone {
    fn dial(switch: &Switch, letter: u8) -> (PeerId, Phone) {
        Phone::dial_with(switch, letter, None)
    }

    fn dial_with(switch: &Switch, letter: u8, tone: Option<f64>) -> (PeerId, Phone) {
        let (mut phone, offer) = Phone::offering(letter, tone);
        let (peer, answer) = switch.connect(&offer).unwrap();
        phone.answered(&answer);
        (peer, phone)
    }

    /// A connection that has made its offer (returned as SDP) and waits for the answer.
    pub fn offering(letter: u8, tone: Option<f64>) -> (Phone, String) {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        let mut rtc = Rtc::builder().clear_codecs().enable_opus(true, false).build(Instant::now());
        rtc.add_local_candidate(Candidate::host(socket.local_addr().unwrap(), "udp").unwrap());
        let mut sdp = rtc.sdp_api();
        let mid = sdp.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
        let (offer, pending) = sdp.apply().unwrap();
        let phone = Phone {
            letter,
            tone: tone.map(|hz| (hz, MixEncoder::new().unwrap())),
            rtc,
            socket,
            mid,
            pt: None,
            next_send: Instant::now(),
            sent: 0,
            connected: false,
            heard: Vec::new(),
            packets: Vec::new(),
            pending: Some(pending),
            lose: None,
            losing: false,
        };
        (phone, offer.to_sdp_string())
    }

    /// The server's answer to the offer.
    pub fn answered(&mut self, answer: &str) {
        let pending = self.pending.take().expect("an offer waiting for its answer");
        self.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(answer).unwrap()).unwrap();
    }

    /// Does everything due now: sends, receives, and the connection's own timers.
    pub fn pump(&mut self, tunes: &Tunes) {
        let now = Instant::now();
        if self.connected && now >= self.next_send {
            let pt = *self.pt.get_or_insert_with(|| {
                let writer = self.rtc.writer(self.mid).unwrap();
                writer.payload_params().find(|p| p.spec().codec == Codec::Opus).unwrap().pt()
            });
            let packet = match &mut self.tone {
                Some((hz, encoder)) => encoder.encode(&sine(*hz, self.sent)).unwrap(),
                // A CELT 20 ms TOC byte, then the party's letter and a counter.
                None => [&[0xf8, self.letter][..], &self.sent.to_be_bytes()].concat(),
            };
            self.losing |= self.lose == Some(self.sent);
            let time = MediaTime::new(self.sent * 960, Frequency::FORTY_EIGHT_KHZ);
            self.rtc.writer(self.mid).unwrap().write(pt, now, time, packet).unwrap();
            self.sent += 1;
            self.next_send += Duration::from_millis(20);
        }
        let mut buf = [0u8; 2000];
        while let Ok((n, source)) = self.socket.recv_from(&mut buf) {
            let receive = Receive {
                proto: Protocol::Udp,
                source,
                destination: self.socket.local_addr().unwrap(),
                contents: buf[..n].try_into().unwrap(),
            };
            self.rtc.handle_input(Input::Receive(Instant::now(), receive)).unwrap();
        }
        self.rtc.handle_input(Input::Timeout(Instant::now())).unwrap();
        loop {
            match self.rtc.poll_output().unwrap() {
                Output::Timeout(_) => break,
                Output::Transmit(t) => {
                    if self.losing && is_rtp(&t.contents) {
                        self.losing = false;
                        continue;
                    }
                    let _ = self.socket.send_to(&t.contents, t.destination);
                }
                Output::Event(Event::Connected) => {
                    self.connected = true;
                    self.next_send = Instant::now();
                }
                Output::Event(Event::MediaData(data)) => {
                    if self.tone.is_none() {
                        self.heard.push((tunes.identify(&data.data), data.time.numer()));
                    }
                    self.packets.push(data.data);
                }
                Output::Event(_) => {}
            }
        }
    }

    /// Packets received so far, whatever they are.
    pub fn received(&self) -> usize {
        self.packets.len()
    }

    pub fn count(&self, what: Heard) -> usize {
        self.heard.iter().filter(|(h, _)| *h == what).count()
    }

    /// The counters of the marked packets it heard, in arrival order.
    fn counters_heard(&self) -> Vec<u64> {
        let marked = self.packets.iter().filter(|p| p.len() == MARKED && p[0] == 0xf8);
        marked.map(|p| u64::from_be_bytes(p[2..].try_into().unwrap())).collect()
    }
}

/// An RTP packet, not RTCP, STUN or DTLS (RFC 7983, RFC 5761).
fn is_rtp(datagram: &[u8]) -> bool {
    datagram.len() > 12 && datagram[0] >> 6 == 2 && !(192..=223).contains(&datagram[1])
}

/// Pumps every phone until `done` holds; fails after 15 s (a busy machine is slow, not wrong).
pub fn until(
    phones: &mut [&mut Phone],
    tunes: &Tunes,
    what: &str,
    mut done: impl FnMut(&[&mut Phone]) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done(&*phones) {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        for phone in phones.iter_mut() {
            phone.pump(tunes);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn start() -> (Switch, tokio::sync::mpsc::UnboundedReceiver<PeerEvent>) {
    Switch::start("127.0.0.1:0".parse().unwrap(), None).unwrap()
}

#[test]
fn each_party_hears_exactly_its_feed_as_one_continuous_stream() {
    let tunes = Tunes::load();
    let (switch, mut events) = start();
    let (customer_peer, mut customer) = Phone::dial(&switch, b'C');
    let (agent_peer, mut agent) = Phone::dial(&switch, b'A');
    until(&mut [&mut customer, &mut agent], &tunes, "both are connected", |p| p.iter().all(|p| p.connected));
    let mut connected = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    while connected.len() < 2 {
        assert!(Instant::now() < deadline, "the switch never saw both connections");
        if let Ok(PeerEvent::Connected(peer)) = events.try_recv() {
            connected.insert(peer);
        }
        customer.pump(&tunes);
        agent.pump(&tunes);
    }
    assert_eq!(connected, HashSet::from([customer_peer, agent_peer]));

    // Waiting in the queue: the customer hears the queue's music, the agent nothing yet.
    switch.route(customer_peer, vec![Feed::QueueMusic]).unwrap();
    until(&mut [&mut customer, &mut agent], &tunes, "the customer hears the queue music", |p| {
        p[0].count(Heard::QueueMusic) >= 10
    });
    assert_eq!(agent.heard.len(), 0, "no route, no sound");

    // Answered: each hears the other.
    switch.route(customer_peer, vec![Feed::Peer(agent_peer)]).unwrap();
    switch.route(agent_peer, vec![Feed::Peer(customer_peer)]).unwrap();
    until(&mut [&mut customer, &mut agent], &tunes, "both hear each other", |p| {
        p[0].count(Heard::Party(b'A')) >= 10 && p[1].count(Heard::Party(b'C')) >= 10
    });
    assert_eq!(agent.count(Heard::QueueMusic) + agent.count(Heard::HoldMusic), 0);

    // Held: the customer hears hold music and no longer the agent; the agent hears nothing.
    switch.route(customer_peer, vec![Feed::HoldMusic]).unwrap();
    switch.route(agent_peer, vec![]).unwrap();
    until(&mut [&mut customer, &mut agent], &tunes, "the customer hears the hold music", |p| {
        p[0].count(Heard::HoldMusic) >= 1
    });
    let (agent_heard, customer_heard_agent) = (agent.heard.len(), customer.count(Heard::Party(b'A')));
    until(&mut [&mut customer, &mut agent], &tunes, "half a second of hold music", |p| {
        p[0].count(Heard::HoldMusic) >= 25
    });
    // Packets already on their way when the route changed may still land; nothing after them.
    assert!(agent.heard.len() <= agent_heard + 5, "the agent kept hearing the held customer");
    assert!(
        customer.count(Heard::Party(b'A')) <= customer_heard_agent + 5,
        "the held customer heard the agent"
    );
    let last_held = customer.heard.iter().rposition(|(h, _)| *h != Heard::HoldMusic).unwrap();
    assert!(customer.heard[last_held + 1..].iter().all(|(h, _)| *h == Heard::HoldMusic));

    // Each switch of source re-encodes only its first few packets, then forwards the source's own.
    let runs: Vec<usize> = customer
        .heard
        .chunk_by(|a, b| (a.0 == Heard::Reencoded) == (b.0 == Heard::Reencoded))
        .filter(|run| run[0].0 == Heard::Reencoded)
        .map(<[_]>::len)
        .collect();
    assert_eq!(runs.len(), 3, "the customer's switches to queue music, the agent, hold music: {runs:?}");
    // Five packets; the first may go as up to three shorter ones when it would come too soon.
    assert!(runs.iter().all(|&n| n <= 7), "{runs:?}");

    // One stream: the customer's timestamps only move forward across queue music, agent and hold music.
    let times: Vec<u64> = customer.heard.iter().map(|(_, t)| *t).collect();
    assert!(times.windows(2).all(|w| w[1] > w[0]), "timestamps went back: {times:?}");

    // Resumed.
    switch.route(customer_peer, vec![Feed::Peer(agent_peer)]).unwrap();
    switch.route(agent_peer, vec![Feed::Peer(customer_peer)]).unwrap();
    let (before_c, before_a) = (customer.count(Heard::Party(b'A')), agent.count(Heard::Party(b'C')));
    until(&mut [&mut customer, &mut agent], &tunes, "both hear each other again", |p| {
        p[0].count(Heard::Party(b'A')) >= before_c + 10 && p[1].count(Heard::Party(b'C')) >= before_a + 10
    });
    let counters = switch.counters(customer_peer).unwrap();
    assert!(counters.packets_in >= 20 && counters.packets_out >= 50, "{counters:?}");

    // Hanging up: the switch reports the connection gone.
    switch.remove(agent_peer).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        assert!(Instant::now() < deadline, "the removed connection was never reported gone");
        if let Ok(PeerEvent::Gone(peer)) = events.try_recv() {
            assert_eq!(peer, agent_peer);
            break;
        }
        customer.pump(&tunes);
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn a_packet_lost_on_the_way_holds_up_none_after_it() {
    let tunes = Tunes::load();
    let (switch, _events) = start();
    let (a_peer, mut a) = Phone::dial(&switch, b'A');
    let (b_peer, mut b) = Phone::dial(&switch, b'B');
    until(&mut [&mut a, &mut b], &tunes, "both are connected", |p| p.iter().all(|p| p.connected));
    switch.route(b_peer, vec![Feed::Peer(a_peer)]).unwrap();
    until(&mut [&mut a, &mut b], &tunes, "B hears A", |p| p[1].count(Heard::Party(b'A')) >= 10);
    let lost = a.sent + 2;
    a.lose = Some(lost);
    until(&mut [&mut a, &mut b], &tunes, "B hears the packet after the lost one", |p| {
        p[1].counters_heard().contains(&(lost + 1))
    });
    // A switch that waited for the lost packet would pass the next ones on only once 15 more had
    // come (300 ms) or a second had gone by; the browser, which conceals a loss itself, would hear
    // nothing meanwhile and then a burst.
    assert!(a.sent < lost + 10, "held back until A had sent {} packets after the lost one", a.sent - lost);
    let heard = b.counters_heard();
    assert!(!heard.contains(&lost), "the lost packet arrived after all");
    assert!(heard.windows(2).all(|w| w[1] > w[0]), "out of order: {heard:?}");
}

#[test]
fn a_malformed_offer_is_refused() {
    let (switch, _events) = start();
    let error = switch.connect("v=0\r\nnot sdp").unwrap_err();
    assert!(error.to_string().contains("not an SDP offer"), "{error}");
}

/// What a phone heard after its first half second (the codecs settling), decoded. All of it, not a
/// window: on a busy machine a late packet leaves a gap in a mix, and gaps must not fail the test.
pub fn heard_since(phone: &Phone, packets: usize) -> Vec<i16> {
    let mut decoder = opus::Decoder::new(OPUS_RATE, opus::Channels::Mono).unwrap();
    let mut pcm = vec![0i16; 5_760];
    let mut heard = Vec::new();
    for (i, packet) in phone.packets.iter().enumerate() {
        let n = decoder.decode(packet, &mut pcm, false).unwrap();
        if i >= packets + 25 {
            heard.extend_from_slice(&pcm[..n]);
        }
    }
    heard
}

#[test]
fn a_listener_of_several_parties_hears_their_mix_and_not_themself() {
    let tunes = Tunes::load();
    let (switch, _events) = start();
    let (a_peer, mut a) = Phone::dial_with(&switch, b'a', Some(440.0));
    let (b_peer, mut b) = Phone::dial_with(&switch, b'b', Some(660.0));
    let (c_peer, mut c) = Phone::dial_with(&switch, b'c', Some(880.0));
    until(&mut [&mut a, &mut b, &mut c], &tunes, "all three are connected", |p| {
        p.iter().all(|p| p.connected)
    });
    // A conference of three: each hears the other two.
    switch.route(a_peer, vec![Feed::Peer(b_peer), Feed::Peer(c_peer)]).unwrap();
    switch.route(b_peer, vec![Feed::Peer(a_peer), Feed::Peer(c_peer)]).unwrap();
    switch.route(c_peer, vec![Feed::Peer(a_peer), Feed::Peer(b_peer)]).unwrap();
    until(&mut [&mut a, &mut b, &mut c], &tunes, "two seconds of mix for everyone", |p| {
        p.iter().all(|p| p.packets.len() >= 100)
    });
    for (phone, own, others) in
        [(&a, 440.0, [660.0, 880.0]), (&b, 660.0, [440.0, 880.0]), (&c, 880.0, [440.0, 660.0])]
    {
        let heard = heard_since(phone, 0);
        // Heard: its share of a two-party mix would be ~0.5 at best; a party's packets arriving in
        // bursts on a busy machine are partly dropped from the mix, so present is well over the 0.02
        // that counts as absent, not near 0.5.
        for hz in others {
            assert!(
                share(&heard, hz) > 0.05,
                "{} hears {hz} Hz: {}",
                phone.letter as char,
                share(&heard, hz)
            );
        }
        assert!(share(&heard, own) < 0.02, "{} hears itself: {}", phone.letter as char, share(&heard, own));
    }
    // A supervisor listening to a held customer and an agent: music and voice mixed.
    switch.route(a_peer, vec![Feed::HoldMusic, Feed::Peer(b_peer)]).unwrap();
    let before = a.packets.len();
    until(&mut [&mut a, &mut b, &mut c], &tunes, "a second of the new mix", |p| {
        p[0].packets.len() >= before + 60
    });
    let heard = heard_since(&a, before);
    assert!(share(&heard, 660.0) > 0.1, "the agent's voice: {}", share(&heard, 660.0));
    assert!(share(&heard, 880.0) < 0.02, "no longer the third party: {}", share(&heard, 880.0));
}
