//! A listener's outgoing stream: one continuous clock across every source it is switched to (the
//! caller, the hold music, a mix), each placed so that the listener's browser holds no more audio
//! after a switch than before it.
//!
//! A browser's jitter buffer judges every packet against the earliest that any arrived for its time
//! lately (WebRTC's NetEq looks back two seconds) and keeps as much audio as the later ones need. So a
//! new source's packets are put on that same earliest schedule, each as late against it as it is
//! against its own source's best. Placed right after the last packet sent instead, a new source
//! would carry that one packet's lateness into all of its own, and the browser's buffer would grow by
//! it at every hold and every resume.

use std::time::{Duration, Instant};

use super::switch::Feed;

/// A schedule's memory: its earliest is the least over the last one to two of these.
const WINDOW: Duration = Duration::from_secs(1);

/// Where a listener's packets come from: one feed as it is, or the listener's mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Feed(Feed),
    Mix,
}

/// How early a stream's packets arrived for their time at best, lately: the least of their lateness
/// (the switch's clock at arrival minus the packet's own time, both in samples).
#[derive(Default)]
pub struct Schedule {
    since: Option<Instant>,
    current: Option<i64>,
    previous: Option<i64>,
}

impl Schedule {
    pub fn note(&mut self, lateness: i64, now: Instant) {
        let elapsed = self.since.map(|since| now.saturating_duration_since(since));
        if elapsed.is_none_or(|elapsed| elapsed >= WINDOW) {
            self.previous =
                if elapsed.is_some_and(|elapsed| elapsed < 2 * WINDOW) { self.current } else { None };
            self.current = None;
            self.since = Some(now);
        }
        self.current = Some(self.current.map_or(lateness, |least| least.min(lateness)));
    }

    /// The least lateness lately.
    pub fn earliest(&self) -> Option<i64> {
        self.current.into_iter().chain(self.previous).min()
    }
}

/// When a packet of a source was sent, against its own time.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// The source's own time for it, and its length, in samples.
    pub time: u64,
    pub samples: u32,
    /// The switch's clock (samples since it started) when it goes out.
    pub clock: i64,
    /// The least lateness (clock − time) of the source's packets lately, this one's included.
    pub source_earliest: i64,
}

impl Timing {
    /// How much later than its source's best it comes.
    fn behind(&self) -> i64 {
        self.clock.wrapping_sub(self.time as i64).saturating_sub(self.source_earliest).max(0)
    }
}

/// A packet's place in the listener's stream.
#[derive(Debug, PartialEq, Eq)]
pub struct Placed {
    pub time: u64,
    /// Samples by which it would come sooner than the listener's schedule wants, because it had to
    /// follow the last packet sent: it is held back that long, and shortening its start by as much
    /// puts the source's later packets on schedule.
    pub early: u32,
}

#[derive(Default)]
pub struct Downlink {
    origin: Option<Origin>,
    /// Added (wrapping) to the origin's own time.
    offset: u64,
    /// Where the last packet sent ends.
    end: Option<u64>,
    schedule: Schedule,
}

impl Downlink {
    pub fn origin(&self) -> Option<Origin> {
        self.origin
    }

    /// Places a packet of `origin`. A new origin's first packet may start up to `max_early` samples
    /// sooner than the schedule wants (the caller shortens it by as much); one that would start
    /// sooner still, its time taken by what was already sent, is left out: `None`.
    pub fn place(&mut self, origin: Origin, packet: &Timing, max_early: u32, now: Instant) -> Option<Placed> {
        let Timing { time, samples, clock, .. } = *packet;
        let mut early = 0;
        if self.origin != Some(origin) {
            let next = match (self.end, self.schedule.earliest()) {
                (Some(end), Some(earliest)) => {
                    let behind = packet.behind();
                    let on_schedule = clock.saturating_sub(earliest).saturating_sub(behind);
                    let soon = (end as i64).saturating_sub(on_schedule);
                    tracing::debug!(?origin, behind, soon, "a new source on the listener's schedule");
                    if soon > i64::from(max_early) {
                        return None;
                    }
                    if soon > 0 {
                        early = soon as u32;
                        end
                    } else {
                        on_schedule as u64
                    }
                }
                (Some(end), None) => end,
                (None, _) => 0,
            };
            self.origin = Some(origin);
            self.offset = next.wrapping_sub(time);
        }
        let out = time.wrapping_add(self.offset);
        self.end = Some(out.wrapping_add(u64::from(samples)));
        // As it will go: held back until it is on time.
        self.schedule.note(clock.wrapping_add(i64::from(early)).wrapping_sub(out as i64), now);
        Some(Placed { time: out, early })
    }

    /// The current packet went `samples` shorter at its start, and its origin's later packets go
    /// that much sooner.
    pub fn advance(&mut self, samples: u32) {
        self.offset = self.offset.wrapping_sub(u64::from(samples));
        self.end = self.end.map(|end| end.wrapping_sub(u64::from(samples)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::splice::{MAX_TRIM, SHORTEST};

    const FRAME: u64 = 960;
    /// One millisecond in samples.
    const MS: i64 = 48;

    /// Sends the packets `ticks` of `origin` (every 20 ms, `phase` ms into each tick, each also
    /// `jitter(tick)` ms late) through the downlink; returns each one's lateness in the listener's
    /// stream and its time there.
    fn run(
        downlink: &mut Downlink,
        source: &mut Schedule,
        origin: Origin,
        start: Instant,
        ticks: std::ops::Range<u64>,
        phase: i64,
        jitter: impl Fn(u64) -> i64,
    ) -> Vec<(i64, u64)> {
        let mut heard = Vec::new();
        for tick in ticks {
            let at = (tick as i64 * 20 + phase + jitter(tick)) * MS;
            // The source's own time runs from an arbitrary start, as a browser's does.
            let time = 7_000_000 + tick * FRAME;
            let now = start + Duration::from_micros(at as u64 * 1_000 / 48);
            source.note(at - time as i64, now);
            let timing = Timing {
                time,
                samples: FRAME as u32,
                clock: at,
                source_earliest: source.earliest().unwrap(),
            };
            let Some(placed) = downlink.place(origin, &timing, MAX_TRIM, now) else { continue };
            // What the switch's splice does: the first packet shortened, in 2.5 ms steps.
            downlink.advance(placed.early.div_ceil(SHORTEST) * SHORTEST);
            // Held back by its earliness, as the switch does.
            heard.push((at + i64::from(placed.early) - placed.time as i64, placed.time));
        }
        heard
    }

    #[test]
    fn switching_to_and_fro_adds_nothing_to_what_the_listener_buffers() {
        let start = Instant::now();
        let (agent, music) = (Origin::Feed(Feed::Peer(1)), Origin::Feed(Feed::HoldMusic));
        let (mut downlink, mut agent_schedule, mut music_schedule) = Default::default();
        // A browser's packets: on time, or up to 15 ms late; the music exactly on time, 7 ms into
        // each tick.
        let jittery = |tick: u64| [0, 15, 3, 9, 0, 12, 6, 15][tick as usize % 8];
        let mut all = run(&mut downlink, &mut agent_schedule, agent, start, 0..50, 0, jittery);
        let earliest = all.iter().map(|(lateness, _)| *lateness).min().unwrap();
        let mut tick = 50;
        for _ in 0..16 {
            // Every hold begins right after one of the agent's late packets.
            all.extend(run(&mut downlink, &mut music_schedule, music, start, tick..tick + 20, 7, |_| 0));
            all.extend(run(
                &mut downlink,
                &mut agent_schedule,
                agent,
                start,
                tick + 20..tick + 46,
                0,
                jittery,
            ));
            tick += 46;
        }
        // What the listener's buffer must absorb: each packet's lateness against the earliest. No
        // more than the agent's own jitter and one 2.5 ms step of shortening, however many switches:
        // placed after the last packet instead, each hold would add that packet's lateness.
        let worst = all.iter().map(|(lateness, _)| lateness - earliest).max().unwrap();
        assert!(
            worst <= 15 * MS + SHORTEST as i64,
            "a packet {:.1} ms late against the earliest",
            worst as f64 / 48.0
        );
        assert!(all.iter().all(|(lateness, _)| *lateness >= earliest), "one came earlier than the earliest");
        // And one stream: the listener's times only move forward.
        assert!(all.windows(2).all(|w| w[1].1 > w[0].1), "time went back");
    }

    /// A 20 ms packet with its own `time`, sent at `clock`, whose source's best lateness is `best`.
    fn timing(time: u64, clock: i64, best: i64) -> Timing {
        Timing { time, samples: FRAME as u32, clock, source_earliest: best }
    }

    #[test]
    fn a_new_source_that_would_come_early_follows_the_last_packet_and_says_by_how_much() {
        let start = Instant::now();
        let (a, b) = (Origin::Feed(Feed::HoldMusic), Origin::Feed(Feed::Peer(1)));
        let mut downlink = Downlink::default();
        let placed = downlink.place(a, &timing(5_000, 0, -5_000), MAX_TRIM, start);
        assert_eq!(placed, Some(Placed { time: 0, early: 0 }));
        let later = start + Duration::from_millis(20);
        let placed = downlink.place(a, &timing(5_960, 960, -5_000), MAX_TRIM, later);
        assert_eq!(placed, Some(Placed { time: 960, early: 0 }));
        // B's packet 5 ms after A's last, on B's own schedule: A's stream ends 15 ms after that.
        let soon = start + Duration::from_millis(25);
        let b_best = 1_200 - 70_000;
        assert_eq!(
            downlink.place(b, &timing(70_000, 1_200, b_best), 0, soon),
            None,
            "no shortening, no room"
        );
        let placed = downlink.place(b, &timing(70_000, 1_200, b_best), MAX_TRIM, soon);
        assert_eq!(placed, Some(Placed { time: 1_920, early: 720 }));
        downlink.advance(720);
        // Its next packet, 20 ms on, follows the 240 samples sent of the first: on schedule again.
        let next = soon + Duration::from_millis(20);
        let placed = downlink.place(b, &timing(70_960, 2_160, b_best), MAX_TRIM, next);
        assert_eq!(placed, Some(Placed { time: 2_160, early: 0 }));
        // Back to A 50 ms later: the silence stays in the stream's time.
        let back = next + Duration::from_millis(50);
        let placed = downlink.place(a, &timing(9_000, 4_560, 4_560 - 9_000), MAX_TRIM, back);
        assert_eq!(placed, Some(Placed { time: 4_560, early: 0 }));
        // A source whose packet is 25 ms late against its own best, its time already sent: left out.
        let late = back + Duration::from_millis(25);
        let placed = downlink.place(b, &timing(80_000, 5_760, 5_760 - 80_000 - 1_200), MAX_TRIM, late);
        assert_eq!(placed, None);
    }
}
