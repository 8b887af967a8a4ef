//! Switching a listener from one source to another (a hold, a resume, a transfer) so that its browser
//! plays the new source at once. Opus predicts each frame's band energies from the previous frame, so
//! a browser handed another encoder's packets mid-stream decodes them from the wrong starting point:
//! the new voice comes up muffled and quiet over 60–100 ms. Instead, a listener's first few packets
//! from the new source are decoded and encoded again by an encoder that has followed what the
//! listener heard so far; by the time the original packets are forwarded again, both encoders have
//! been coding the same voice and the browser's decoder follows either.

use std::collections::VecDeque;
use std::sync::Arc;

use anyhow::anyhow;

use super::mixer::{FRAME, MAX_PACKET_SAMPLES, MixEncoder, decoder};

/// Packets kept per stream: enough for a fresh decoder's energies to settle (they halve their error
/// every 20 ms frame).
const RECENT: usize = 8;

/// Packets re-encoded after a switch before the new source's own are forwarded.
const REENCODED: u8 = 5;

/// The last packets of a stream, oldest first.
#[derive(Default)]
pub struct Recent(VecDeque<Arc<[u8]>>);

impl Recent {
    pub fn push(&mut self, packet: &Arc<[u8]>) {
        if self.0.len() == RECENT {
            self.0.pop_front();
        }
        self.0.push_back(packet.clone());
    }
}

/// Opus's shortest frame, 2.5 ms: the step a first packet can be shortened by.
pub const SHORTEST: u32 = 120;

/// The most a first packet can be shortened by: one shortest frame of it is left.
pub const MAX_TRIM: u32 = FRAME as u32 - SHORTEST;

/// A listener's first packets from a new source.
pub struct Splice {
    decoder: opus::Decoder,
    encoder: MixEncoder,
    left: u8,
    pcm: Vec<i16>,
    /// Samples to leave out of the start of the first packet.
    trim: u32,
}

/// Re-encoded packets standing for one of the source's, each with its length in samples.
pub struct Reencoded {
    pub packets: Vec<(u32, Vec<u8>)>,
    /// Samples of the source's packet left out at its start.
    pub trimmed: u32,
}

impl Splice {
    /// Starts from what the listener `heard` last and the new source's `recent` packets, before its
    /// `next` one. The first packet loses `trim` samples at its start, rounded up to Opus's 2.5 ms
    /// steps (at most `MAX_TRIM`): a source that would come that much too soon for the listener's
    /// schedule then runs on it, never ahead of it (which the browser would answer by buffering
    /// more for the rest of the call).
    pub fn start(heard: &Recent, recent: &Recent, next: &[u8], trim: u32) -> anyhow::Result<Splice> {
        let mut pcm = vec![0i16; MAX_PACKET_SAMPLES];
        let mut encoder = MixEncoder::matching(next)?;
        follow(&mut encoder, heard, &mut pcm)?;
        let mut decoder = decoder()?;
        for packet in &recent.0 {
            decoder.decode(packet, &mut pcm, false).map_err(|e| anyhow!("{e}"))?;
        }
        Ok(Splice { decoder, encoder, left: REENCODED, pcm, trim: trim.div_ceil(SHORTEST) * SHORTEST })
    }

    /// What to send instead of the new source's `packet`; `None` once its own packets can go as they
    /// are (or one could not be re-encoded: a 20 ms frame is all a browser sends).
    pub fn next(&mut self, packet: &[u8]) -> Option<Reencoded> {
        self.left = self.left.checked_sub(1)?;
        let samples = self.decoder.decode(packet, &mut self.pcm, false).ok()?;
        if samples != FRAME {
            return None;
        }
        let trimmed = std::mem::take(&mut self.trim).min(MAX_TRIM);
        let mut rest = &self.pcm[trimmed as usize..FRAME];
        let mut packets = Vec::new();
        while !rest.is_empty() {
            // The longest Opus frame that fits what is left: 20 ms untrimmed, else 10, 5, 2.5.
            let length = [FRAME, 480, 240, 120].into_iter().find(|&n| n <= rest.len())?;
            let (frame, after) = rest.split_at(length);
            packets.push((length as u32, self.encoder.encode_short(frame).ok()?));
            rest = after;
        }
        Some(Reencoded { packets, trimmed })
    }
}

/// A listener's mix encoder, starting where what it `heard` left its browser's decoder (a coach or a
/// conference begins), so the mix is heard at once too.
pub fn following(heard: &Recent) -> anyhow::Result<MixEncoder> {
    let mut encoder = MixEncoder::new()?;
    follow(&mut encoder, heard, &mut vec![0i16; MAX_PACKET_SAMPLES])?;
    Ok(encoder)
}

/// Brings `encoder` to the state a decoder of the `heard` packets is in: it encodes what they decode to.
fn follow(encoder: &mut MixEncoder, heard: &Recent, pcm: &mut [i16]) -> anyhow::Result<()> {
    let mut listener = decoder()?;
    for packet in &heard.0 {
        let samples = listener.decode(packet, pcm, false).map_err(|e| anyhow!("{e}"))?;
        for frame in pcm[..samples].chunks_exact(FRAME) {
            encoder.encode(frame.try_into()?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::tone::{amplitude, sine};

    /// What a listener heard of 30 packets of a 1.2 kHz tone, and its decoder that played them.
    fn a_listener_of_1200_hz() -> (Recent, opus::Decoder) {
        let mut encoder = MixEncoder::new().unwrap();
        let mut heard = Recent::default();
        let mut listener = decoder().unwrap();
        let mut out = vec![0i16; MAX_PACKET_SAMPLES];
        for i in 0..30 {
            let packet: Arc<[u8]> = encoder.encode(&sine(1_200.0, i)).unwrap().into();
            listener.decode(&packet, &mut out, false).unwrap();
            heard.push(&packet);
        }
        (heard, listener)
    }

    /// Two parties' encoders, 1.2 kHz and 440 Hz; a listener hears the first for 30 packets, then the
    /// second (with or without a splice). Returns the 440 Hz amplitude of each of the first frames
    /// after the switch (their second halves, clear of the decoder's own delay).
    fn after_switch(splice: bool) -> Vec<f64> {
        let (heard, mut listener) = a_listener_of_1200_hz();
        let mut second = MixEncoder::new().unwrap();
        let mut recent = Recent::default();
        for i in 0..30 {
            recent.push(&second.encode(&sine(440.0, i)).unwrap().into());
        }
        let mut out = vec![0i16; MAX_PACKET_SAMPLES];
        let next = second.encode(&sine(440.0, 30)).unwrap();
        let mut switch = splice.then(|| Splice::start(&heard, &recent, &next, 0).unwrap());
        let mut next = Some(next);
        (30..40)
            .map(|i| {
                let packet = next.take().unwrap_or_else(|| second.encode(&sine(440.0, i)).unwrap());
                let sent = match switch.as_mut().and_then(|s| s.next(&packet)) {
                    Some(mut reencoded) => reencoded.packets.remove(0).1,
                    None => packet,
                };
                let n = listener.decode(&sent, &mut out, false).unwrap();
                amplitude(&out[n / 2..n], 440.0)
            })
            .collect()
    }

    #[test]
    fn a_spliced_source_is_heard_at_full_level_from_its_first_frame() {
        let spliced = after_switch(true);
        assert!(spliced.iter().all(|&a| a > 8_000.0 * 0.7), "spliced: {spliced:?}");
    }

    #[test]
    fn without_a_splice_the_new_source_comes_up_slowly() {
        // What the splice is for: the browser's decoder, primed by another encoder, starts low.
        let forwarded = after_switch(false);
        assert!(forwarded[0] < 8_000.0 * 0.5, "forwarded: {forwarded:?}");
    }

    #[test]
    fn a_mix_that_follows_what_was_heard_is_heard_at_once() {
        let (heard, mut listener) = a_listener_of_1200_hz();
        let mut out = vec![0i16; MAX_PACKET_SAMPLES];
        let mut mix = following(&heard).unwrap();
        let packet = mix.encode(&sine(440.0, 30)).unwrap();
        let n = listener.decode(&packet, &mut out, false).unwrap();
        let level = amplitude(&out[n / 2..n], 440.0);
        assert!(level > 8_000.0 * 0.7, "first mixed frame: {level}");
    }

    /// A source's last packets of a 440 Hz tone, and its next one.
    fn a_440_hz_source() -> (Recent, Vec<u8>) {
        let mut encoder = MixEncoder::new().unwrap();
        let mut recent = Recent::default();
        for i in 0..20 {
            recent.push(&encoder.encode(&sine(440.0, i)).unwrap().into());
        }
        (recent, encoder.encode(&sine(440.0, 20)).unwrap())
    }

    #[test]
    fn a_splice_hands_back_to_the_source_after_a_few_packets() {
        let (recent, packet) = a_440_hz_source();
        let mut splice = Splice::start(&recent, &recent, &packet, 0).unwrap();
        let reencoded = (0..10).filter(|_| splice.next(&packet).is_some()).count();
        assert_eq!(reencoded, usize::from(REENCODED));
        assert_eq!(recent.0.len(), RECENT);
    }

    #[test]
    fn a_first_packet_that_would_come_early_is_shortened_by_as_much() {
        let (recent, packet) = a_440_hz_source();
        // 6.3 ms early: 7.5 ms (three of Opus's shortest frames) are left out, 12.5 ms go as 10 + 2.5.
        let mut splice = Splice::start(&recent, &recent, &packet, 300).unwrap();
        let first = splice.next(&packet).unwrap();
        assert_eq!(first.trimmed, 360);
        let lengths: Vec<u32> = first.packets.iter().map(|(n, _)| *n).collect();
        assert_eq!(lengths, [480, 120]);
        let mut listener = decoder().unwrap();
        let mut out = vec![0i16; MAX_PACKET_SAMPLES];
        for (length, packet) in &first.packets {
            assert_eq!(listener.decode(packet, &mut out, false).unwrap(), *length as usize);
        }
        let second = splice.next(&packet).unwrap();
        assert_eq!((second.trimmed, second.packets.len(), second.packets[0].0), (0, 1, FRAME as u32));
    }
}
