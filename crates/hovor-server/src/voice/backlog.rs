//! A mixed source's backlog: its decoded frames waiting for the mix's 20 ms ticks.

use std::collections::VecDeque;

/// A source's frames waiting to be mixed; older ones are dropped beyond this, so a source that
/// sends in bursts adds at most 60 ms of delay.
pub const MAX_QUEUED: usize = 3;

/// Ticks over which a source's backlog is watched: frames that waited at every tick of it are delay
/// no jitter needed.
const TRIM_WINDOW: u32 = 25;

/// A source's decoded frames waiting for the mix's ticks. A burst fills it, and as the source then
/// sends at the ticks' pace it would stay full: every frame waiting adds 20 ms to what the listener
/// hears. So when frames to spare waited at every tick of a window, one of them is dropped, blended
/// into the next so the voice runs on without a click.
#[derive(Default)]
pub struct Backlog {
    frames: VecDeque<Box<[i16]>>,
    /// The fewest frames waiting at a tick in this window, and the window's ticks so far.
    fewest: Option<usize>,
    ticks: u32,
}

impl Backlog {
    pub fn push(&mut self, frame: Box<[i16]>) {
        self.frames.push_back(frame);
        while self.frames.len() > MAX_QUEUED {
            self.frames.pop_front();
        }
    }

    /// The frame for this tick.
    pub fn take(&mut self) -> Option<Box<[i16]>> {
        let waiting = self.frames.len();
        let fewest = self.fewest.map_or(waiting, |f| f.min(waiting));
        self.ticks += 1;
        if self.ticks < TRIM_WINDOW {
            self.fewest = Some(fewest);
        } else {
            // One frame is taken now; another waited the whole window, so it is not needed.
            if fewest >= 2 {
                self.skip_one();
            }
            self.fewest = None;
            self.ticks = 0;
        }
        self.frames.pop_front()
    }

    /// Frames waiting now.
    pub fn waiting(&self) -> usize {
        self.frames.len()
    }

    /// Drops the oldest frame, fading it into the one after so the two ends still join up.
    fn skip_one(&mut self) {
        let Some(dropped) = self.frames.pop_front() else { return };
        let Some(next) = self.frames.front_mut() else { return };
        let n = next.len() as i32;
        for (i, (sample, old)) in next.iter_mut().zip(dropped.iter()).enumerate() {
            let i = i as i32;
            *sample = ((i32::from(*old) * (n - i) + i32::from(*sample) * i) / n) as i16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::mixer::FRAME;

    fn frame(value: i16) -> Box<[i16]> {
        vec![value; FRAME].into_boxed_slice()
    }

    #[test]
    fn a_backlog_that_stands_for_a_window_shrinks_to_what_the_ticks_need() {
        let mut backlog = Backlog::default();
        for _ in 0..MAX_QUEUED {
            backlog.push(frame(1));
        }
        let mut waiting = Vec::new();
        for _ in 0..4 * TRIM_WINDOW {
            waiting.push(backlog.waiting());
            assert!(backlog.take().is_some(), "no tick goes without a frame");
            backlog.push(frame(1));
        }
        assert_eq!(waiting[0], 3, "a burst fills it");
        assert!(waiting[waiting.len() - TRIM_WINDOW as usize..].iter().all(|&w| w == 1), "{waiting:?}");
    }

    #[test]
    fn a_backlog_keeps_the_frames_its_jitter_needs() {
        let mut backlog = Backlog::default();
        backlog.push(frame(1));
        backlog.push(frame(1));
        // A source whose packets come in pairs every other tick: one frame waits at half the ticks.
        for tick in 0..4 * TRIM_WINDOW {
            assert!(backlog.take().is_some(), "tick {tick} went without a frame");
            if tick % 2 == 1 {
                backlog.push(frame(1));
                backlog.push(frame(1));
            }
        }
    }

    #[test]
    fn a_dropped_frame_fades_into_the_next() {
        let mut backlog = Backlog::default();
        backlog.push(frame(1000));
        backlog.push(frame(-1000));
        backlog.skip_one();
        let joined = backlog.take().unwrap();
        assert_eq!(backlog.waiting(), 0);
        assert_eq!(joined[0], 1000, "it starts where the dropped frame started");
        assert!(joined[FRAME - 1] < -990, "and ends where the next one ends: {}", joined[FRAME - 1]);
        assert!(joined.windows(2).all(|w| (w[0] - w[1]).abs() <= 3), "without a jump");
    }
}
