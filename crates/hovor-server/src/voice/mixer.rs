//! Mixing, for a listener who hears several sources at once (a conference, a supervisor listening in,
//! a coached agent): every source's packets are decoded into 20 ms frames, and every 20 ms each such
//! listener gets the sum of its sources' frames (never its own voice) encoded again. One source alone
//! is forwarded untouched by the switch and never reaches this module.

use std::collections::HashMap;

use anyhow::anyhow;

use super::backlog::Backlog;
use super::music::OPUS_RATE;
use super::switch::Feed;

/// Samples in one 20 ms frame at 48 kHz, mono.
pub const FRAME: usize = 960;

/// Ticks in a row a source that sent nothing in time is concealed (Opus's loss concealment) before
/// it counts as silent.
const MAX_CONCEALED: u32 = 2;

/// Opus's largest packet is 120 ms.
pub const MAX_PACKET_SAMPLES: usize = 5_760;

/// Encoded voice for a mix: what a browser sends by default.
const MIX_BITRATE: i32 = 32_000;

struct Source {
    decoder: opus::Decoder,
    backlog: Backlog,
    /// The frame of the current tick, if the source had one.
    current: Option<Box<[i16]>>,
    /// Ticks in a row its frame was concealed.
    concealed: u32,
}

impl Source {
    /// The next frame: the source's own, else (for a short while after its last) what Opus makes up
    /// for a packet that is late or lost, rather than a hole in the mix.
    fn next_frame(&mut self, scratch: &mut [i16]) -> Option<Box<[i16]>> {
        if let Some(frame) = self.backlog.take() {
            self.concealed = 0;
            return Some(frame);
        }
        if self.concealed >= MAX_CONCEALED {
            return None;
        }
        self.concealed += 1;
        let frame = &mut scratch[..FRAME];
        let samples = self.decoder.decode(&[], frame, false).ok()?;
        (samples == FRAME).then(|| frame.to_vec().into_boxed_slice())
    }
}

/// The decoded sources of every mix.
#[derive(Default)]
pub struct Sources {
    sources: HashMap<Feed, Source>,
    scratch: Vec<i16>,
}

impl Sources {
    /// Decodes one packet of `feed` into frames for the next ticks, if some mix hears it.
    pub fn push(&mut self, feed: Feed, packet: &[u8]) -> anyhow::Result<()> {
        let Some(source) = self.sources.get_mut(&feed) else { return Ok(()) };
        self.scratch.resize(MAX_PACKET_SAMPLES, 0);
        let samples = source
            .decoder
            .decode(packet, &mut self.scratch, false)
            .map_err(|e| anyhow!("an Opus packet: {e}"))?;
        for frame in self.scratch[..samples].chunks(FRAME) {
            let mut full = vec![0i16; FRAME];
            full[..frame.len()].copy_from_slice(frame);
            source.backlog.push(full.into_boxed_slice());
        }
        Ok(())
    }

    /// Moves every source on by one frame (concealed for a source whose packet is late, then
    /// silence).
    pub fn tick(&mut self) {
        self.scratch.resize(MAX_PACKET_SAMPLES, 0);
        for source in self.sources.values_mut() {
            source.current = source.next_frame(&mut self.scratch);
        }
    }

    /// Sums the current frames of `feeds` into `out`; false when none of them has a frame.
    pub fn mix(&self, feeds: &[Feed], out: &mut [i16; FRAME]) -> bool {
        let mut sum = [0i32; FRAME];
        let mut any = false;
        for frame in feeds.iter().filter_map(|f| self.sources.get(f)?.current.as_deref()) {
            any = true;
            for (total, sample) in sum.iter_mut().zip(frame) {
                *total += i32::from(*sample);
            }
        }
        for (o, s) in out.iter_mut().zip(sum) {
            *o = s.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
        }
        any
    }

    /// Whether packets of `feed` are decoded (some mix hears it).
    pub fn has(&self, feed: Feed) -> bool {
        self.sources.contains_key(&feed)
    }

    /// Starts decoding `feed` at its next packet.
    pub fn want(&mut self, feed: Feed) -> anyhow::Result<()> {
        if let std::collections::hash_map::Entry::Vacant(entry) = self.sources.entry(feed) {
            let decoder = decoder()?;
            let backlog = Backlog::default();
            entry.insert(Source { decoder, backlog, current: None, concealed: MAX_CONCEALED });
        }
        Ok(())
    }

    /// Stops decoding the sources no mix hears any more.
    pub fn keep_only(&mut self, needed: impl Fn(Feed) -> bool) {
        self.sources.retain(|feed, _| needed(*feed));
    }
}

/// A decoder of one party's (mono, 48 kHz) Opus stream.
pub fn decoder() -> anyhow::Result<opus::Decoder> {
    opus::Decoder::new(OPUS_RATE, opus::Channels::Mono).map_err(|e| anyhow!("an Opus decoder: {e}"))
}

/// A listener's encoder: its mix as one Opus stream.
pub struct MixEncoder {
    encoder: opus::Encoder,
    buffer: Vec<u8>,
}

impl MixEncoder {
    pub fn new() -> anyhow::Result<MixEncoder> {
        let mut encoder = opus::Encoder::new(OPUS_RATE, opus::Channels::Mono, opus::Application::Voip)
            .map_err(|e| anyhow!("an Opus encoder: {e}"))?;
        encoder.set_bitrate(opus::Bitrate::Bits(MIX_BITRATE)).map_err(|e| anyhow!("the mix bitrate: {e}"))?;
        Ok(MixEncoder { encoder, buffer: vec![0; 1500] })
    }

    /// An encoder that codes as the stream `packet` came from does (the same mode and bandwidth, as
    /// far as Opus lets them be asked for), so that stream can follow on from what it encodes.
    pub fn matching(packet: &[u8]) -> anyhow::Result<MixEncoder> {
        use opus::{Bandwidth, Signal};
        let mut mix = MixEncoder::new()?;
        let Some(toc) = packet.first() else { return Ok(mix) };
        let config = toc >> 3;
        let (signal, bandwidth) = match config {
            0..=3 => (Signal::Voice, Bandwidth::Narrowband),
            4..=7 => (Signal::Voice, Bandwidth::Mediumband),
            8..=11 => (Signal::Voice, Bandwidth::Wideband),
            12..=13 => (Signal::Voice, Bandwidth::Superwideband),
            14..=15 => (Signal::Voice, Bandwidth::Fullband),
            16..=19 => (Signal::Music, Bandwidth::Narrowband),
            20..=23 => (Signal::Music, Bandwidth::Wideband),
            24..=27 => (Signal::Music, Bandwidth::Superwideband),
            _ => (Signal::Music, Bandwidth::Fullband),
        };
        mix.encoder.set_signal(signal).map_err(|e| anyhow!("an encoder's signal: {e}"))?;
        mix.encoder.set_bandwidth(bandwidth).map_err(|e| anyhow!("an encoder's bandwidth: {e}"))?;
        Ok(mix)
    }

    pub fn encode(&mut self, frame: &[i16; FRAME]) -> anyhow::Result<Vec<u8>> {
        self.encode_short(frame)
    }

    /// Encodes 2.5, 5, 10 or 20 ms (the frame lengths Opus has).
    pub fn encode_short(&mut self, samples: &[i16]) -> anyhow::Result<Vec<u8>> {
        let n = self.encoder.encode(samples, &mut self.buffer).map_err(|e| anyhow!("encoding a mix: {e}"))?;
        Ok(self.buffer[..n].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::tone::{share, sine as tone};

    #[test]
    fn a_mix_holds_every_source_it_hears_and_nothing_else() {
        let (a, b, c) = (Feed::Peer(1), Feed::Peer(2), Feed::Peer(3));
        let mut encoders: Vec<MixEncoder> = (0..3).map(|_| MixEncoder::new().unwrap()).collect();
        let mut sources = Sources::default();
        let mut listener = MixEncoder::new().unwrap();
        let mut decoder = opus::Decoder::new(OPUS_RATE, opus::Channels::Mono).unwrap();
        let mut heard = vec![0i16; FRAME];
        for feed in [a, b, c] {
            sources.want(feed).unwrap();
        }
        for i in 0..25 {
            for ((feed, hz), encoder) in [(a, 440.0), (b, 660.0), (c, 1100.0)].into_iter().zip(&mut encoders)
            {
                sources.push(feed, &encoder.encode(&tone(hz, i as u64)).unwrap()).unwrap();
            }
            sources.tick();
            let mut mix = [0i16; FRAME];
            assert!(sources.mix(&[a, b], &mut mix));
            let packet = listener.encode(&mix).unwrap();
            decoder.decode(&packet, &mut heard, false).unwrap();
        }
        // After the codecs settle: both heard tones are there, the third is not.
        assert!(share(&heard, 440.0) > 0.2, "440 Hz: {}", share(&heard, 440.0));
        assert!(share(&heard, 660.0) > 0.2, "660 Hz: {}", share(&heard, 660.0));
        assert!(share(&heard, 1100.0) < 0.02, "1100 Hz: {}", share(&heard, 1100.0));
    }

    #[test]
    fn a_silent_or_unknown_source_adds_nothing_and_queues_stay_short() {
        let mut sources = Sources::default();
        let mut out = [1i16; FRAME];
        assert!(!sources.mix(&[Feed::Peer(9)], &mut out));
        assert!(out.iter().all(|&s| s == 0));
        let mut encoder = MixEncoder::new().unwrap();
        sources.push(Feed::Peer(1), &encoder.encode(&tone(440.0, 0)).unwrap()).unwrap();
        assert!(!sources.has(Feed::Peer(1)), "a source no mix hears is not decoded");
        sources.want(Feed::Peer(1)).unwrap();
        for i in 0..10 {
            sources.push(Feed::Peer(1), &encoder.encode(&tone(440.0, i as u64)).unwrap()).unwrap();
        }
        assert_eq!(sources.sources[&Feed::Peer(1)].backlog.waiting(), crate::voice::backlog::MAX_QUEUED);
        sources.keep_only(|_| false);
        assert!(!sources.has(Feed::Peer(1)));
    }

    #[test]
    fn a_late_packet_is_concealed_for_a_moment_then_the_source_is_silent() {
        let feed = Feed::Peer(1);
        let mut sources = Sources::default();
        let mut encoder = MixEncoder::new().unwrap();
        sources.want(feed).unwrap();
        sources.tick();
        let mut out = [0i16; FRAME];
        assert!(!sources.mix(&[feed], &mut out), "nothing is made up before the source's first packet");
        for i in 0..5 {
            sources.push(feed, &encoder.encode(&tone(440.0, i)).unwrap()).unwrap();
            sources.tick();
        }
        for late in 0..MAX_CONCEALED {
            sources.tick();
            assert!(sources.mix(&[feed], &mut out), "tick {late} after the last packet is concealed");
            assert!(share(&out, 440.0) > 0.2, "with the source's voice: {}", share(&out, 440.0));
        }
        sources.tick();
        assert!(!sources.mix(&[feed], &mut out), "then the source is silent");
    }
}
