//! Pure tones and a detector for them: how the voice tests and the benchmark tell which party a
//! listener hears (each party's microphone plays a frequency of its own).

use super::mixer::FRAME;
use super::music::OPUS_RATE;

/// 20 ms of a sine at `hz` (frame `index` of a continuous stream), at a quarter of full scale.
pub fn sine(hz: f64, index: u64) -> [i16; FRAME] {
    let mut frame = [0i16; FRAME];
    for (i, s) in frame.iter_mut().enumerate() {
        let t = (index as f64 * FRAME as f64 + i as f64) / f64::from(OPUS_RATE);
        *s = ((2.0 * std::f64::consts::PI * hz * t).sin() * 8_000.0) as i16;
    }
    frame
}

/// Samples the tone detector looks at together (100 ms): long enough to tell tones 200 Hz apart.
const BLOCK: usize = 4_800;

/// The share of the samples' energy at `hz` (Goertzel): near 1 for that pure tone, near 0 without it.
/// Taken block by block, so a tone heard with a jump in its phase (a frame dropped or made up, as
/// a listener's jitter buffer does) still counts as heard.
pub fn share(samples: &[i16], hz: f64) -> f64 {
    let (mut power, mut scale) = (0.0, 0.0);
    for block in samples.chunks(BLOCK) {
        let total: f64 = block.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
        power += power_at(block, hz);
        scale += total * block.len() as f64 / 2.0;
    }
    power / scale.max(1.0)
}

/// The amplitude of the tone at `hz` in the samples (Goertzel): 8,000 for [`sine`]'s, near 0 without it.
pub fn amplitude(samples: &[i16], hz: f64) -> f64 {
    2.0 * power_at(samples, hz).max(0.0).sqrt() / samples.len().max(1) as f64
}

/// Goertzel's filter: the samples' power at `hz`.
fn power_at(samples: &[i16], hz: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * hz / f64::from(OPUS_RATE);
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in samples {
        let s = f64::from(x) + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detector_tells_tones_apart() {
        let second: Vec<i16> = (0..50).flat_map(|i| sine(440.0, i)).collect();
        assert!(share(&second, 440.0) > 0.9);
        assert!(share(&second, 660.0) < 0.01);
        assert_eq!(share(&[0; FRAME], 440.0), 0.0);
        assert!((amplitude(&second, 440.0) - 8_000.0).abs() < 100.0);
        // A frame left out shifts the tone's phase: still heard.
        let skipped: Vec<i16> = (0..50).filter(|&i| i != 20).flat_map(|i| sine(880.0, i)).collect();
        assert!(share(&skipped, 880.0) > 0.8, "{}", share(&skipped, 880.0));
        assert!(amplitude(&second, 660.0) < 100.0);
    }
}
