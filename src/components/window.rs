//! Which slice of a long list is on screen. Long lists (the timeline) keep every loaded row in memory
//! but render at most `size` of them, so 10,000 rows cost the page no more than 100.

/// A half-open range `[start, end)` over a list, never wider than `size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    size: usize,
    step: usize,
}

impl Window {
    /// The newest `size` rows of a list of `len`.
    pub fn at_bottom(len: usize, size: usize, step: usize) -> Window {
        Window { start: len.saturating_sub(size), end: len, size, step }
    }

    pub fn is_at_bottom(&self, len: usize) -> bool {
        self.end == len
    }

    /// Rows were appended: a window that showed the newest row keeps following the bottom.
    pub fn appended(&mut self, old_len: usize, len: usize) {
        if self.end == old_len {
            self.end = len;
            self.start = self.start.max(len.saturating_sub(self.size));
        }
    }

    /// `count` older rows were put in front of the list: the same rows stay in view.
    pub fn prepended(&mut self, count: usize) {
        self.start += count;
        self.end += count;
    }

    /// Moves towards older rows; false when already at the first loaded row.
    pub fn up(&mut self) -> bool {
        if self.start == 0 {
            return false;
        }
        self.start -= self.step.min(self.start);
        self.end = self.end.min(self.start + self.size);
        true
    }

    /// Moves towards newer rows; false when already at the newest.
    pub fn down(&mut self, len: usize) -> bool {
        if self.end >= len {
            return false;
        }
        self.end = (self.end + self.step).min(len);
        self.start = self.start.max(self.end.saturating_sub(self.size));
        true
    }
}
