//! Music for callers who wait in a queue or are held: Ogg Opus files shipped with the server, played
//! in a loop like a radio (every listener of one tune hears the same moment of it), and forwarded as
//! they are, never decoded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Played to a customer who waits for an agent.
pub const QUEUE_MUSIC: &[u8] = include_bytes!("../../assets/voice/queue.opus");
/// Played to a party on hold.
pub const HOLD_MUSIC: &[u8] = include_bytes!("../../assets/voice/hold.opus");

/// Opus counts time in 48 kHz samples whatever the audio's own rate (RFC 7587).
pub const OPUS_RATE: u32 = 48_000;

/// How long `samples` at Opus's rate last.
pub fn samples_duration(samples: u64) -> Duration {
    Duration::from_micros(samples * 1_000_000 / u64::from(OPUS_RATE))
}

/// One Opus packet and how long it plays.
#[derive(Clone)]
pub struct Frame {
    pub data: Arc<[u8]>,
    /// In 48 kHz samples.
    pub samples: u32,
}

/// A tune's packets in order.
pub struct Music {
    frames: Vec<Frame>,
}

impl Music {
    /// Reads the audio packets of an Ogg Opus stream (RFC 7845: the first two packets are its
    /// OpusHead and OpusTags headers).
    pub fn from_ogg(bytes: &[u8]) -> anyhow::Result<Music> {
        let mut reader = ogg::PacketReader::new(std::io::Cursor::new(bytes));
        let mut frames = Vec::new();
        let mut index = 0;
        while let Some(packet) = reader.read_packet().context("reading an Ogg page")? {
            index += 1;
            match index {
                1 if !packet.data.starts_with(b"OpusHead") => bail!("not an Ogg Opus stream"),
                1 | 2 => continue,
                _ => {}
            }
            let samples = packet_samples(&packet.data).context("an Opus packet without a valid TOC byte")?;
            frames.push(Frame { data: packet.data.into(), samples });
        }
        if frames.is_empty() {
            bail!("an Ogg Opus stream without audio");
        }
        Ok(Music { frames })
    }

    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    pub fn duration(&self) -> Duration {
        samples_duration(self.frames.iter().map(|f| u64::from(f.samples)).sum())
    }
}

/// How many 48 kHz samples an Opus packet holds, from its TOC byte (RFC 6716 §3.1).
pub fn packet_samples(packet: &[u8]) -> Option<u32> {
    let toc = *packet.first()?;
    let config = toc >> 3;
    // Frame length in 48 kHz samples: SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms.
    let frame = match config {
        0..=11 => [480, 960, 1920, 2880][usize::from(config % 4)],
        12..=15 => [480, 960][usize::from(config % 2)],
        _ => [120, 240, 480, 960][usize::from(config % 4)],
    };
    let count = match toc & 0b11 {
        0 => 1,
        1 | 2 => 2,
        _ => u32::from(*packet.get(1)? & 0x3f),
    };
    Some(frame * count).filter(|&s| s > 0 && s <= 5760)
}

/// A tune on air: which packet is next and when it is due.
pub struct Player {
    music: Music,
    next: usize,
    due: Instant,
    /// The tune's own clock, in samples, for the packet that is next.
    time: u64,
}

impl Player {
    pub fn new(music: Music, now: Instant) -> Player {
        Player { music, next: 0, due: now, time: 0 }
    }

    /// When the next packet is due.
    pub fn due(&self) -> Instant {
        self.due
    }

    /// The next packet and its time on the tune's clock, if it is due by `now`.
    pub fn take(&mut self, now: Instant) -> Option<(u64, Frame)> {
        if now < self.due {
            return None;
        }
        let frame = self.music.frames[self.next].clone();
        let at = self.time;
        self.next = (self.next + 1) % self.music.frames.len();
        self.time += u64::from(frame.samples);
        self.due += samples_duration(u64::from(frame.samples));
        // After a stall (a busy machine) skip ahead instead of bursting a backlog at the listeners.
        if now.saturating_duration_since(self.due) > Duration::from_millis(200) {
            self.due = now;
        }
        Some((at, frame))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tunes_are_eight_seconds_of_20_ms_packets() {
        for tune in [QUEUE_MUSIC, HOLD_MUSIC] {
            let music = Music::from_ogg(tune).unwrap();
            // Eight seconds, and the encoder's look-ahead and padding: less than two more packets.
            let duration = music.duration();
            assert!(
                duration >= Duration::from_secs(8) && duration < Duration::from_millis(8_040),
                "{duration:?}"
            );
            assert!(music.frames.iter().all(|f| f.samples == 960));
        }
    }

    #[test]
    fn packet_lengths_come_from_the_toc_byte() {
        assert_eq!(packet_samples(&[0b1111_1000]), Some(960), "CELT 20 ms, one frame");
        assert_eq!(packet_samples(&[0b0000_1001]), Some(1920), "SILK 20 ms, two frames");
        assert_eq!(
            packet_samples(&[0b0001_1011, 3]),
            None,
            "three 60 ms frames: more than a packet may hold"
        );
        assert_eq!(packet_samples(&[0b1111_0011, 4]), Some(1920), "CELT 10 ms, code 3 with four frames");
        assert_eq!(packet_samples(&[]), None);
        assert_eq!(packet_samples(&[0b0000_0011, 0]), None, "code 3 with no frames");
    }

    #[test]
    fn a_player_loops_and_keeps_time() {
        let start = Instant::now();
        let mut player = Player::new(Music::from_ogg(HOLD_MUSIC).unwrap(), start);
        let (first, _) = player.take(start).unwrap();
        assert_eq!(first, 0);
        assert!(player.take(start).is_none(), "the next packet is due 20 ms later");
        let (second, _) = player.take(start + Duration::from_millis(20)).unwrap();
        assert_eq!(second, 960);
        assert!(Music::from_ogg(b"not ogg at all").is_err());
    }
}
