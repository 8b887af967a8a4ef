//! Wire types and rules shared by the Hovor app (wasm32) and server (native).
//!
//! Nothing here does I/O: every type is plain data, every rule a pure function, so the form in the
//! browser and the handler on the server enforce exactly the same thing.

pub mod audit;
pub mod auth;
pub mod callback;
pub mod case;
pub mod chat;
pub mod collaboration;
pub mod conversation;
pub mod customer;
pub mod directory;
pub mod email;
pub mod embed;
pub mod error;
pub mod event;
pub mod feedback;
pub mod history;
pub mod listing;
pub mod message;
pub mod placeholder;
pub mod quality;
pub mod rank;
pub mod response;
pub mod retention;
pub mod routing;
pub mod session_data;
pub mod string_enum;
pub mod supervisor;
pub mod text;
pub mod timeline;
pub mod translation;
pub mod validate;
pub mod version;
pub mod voice;
pub mod wrap_up;

/// Milliseconds since the Unix epoch, UTC. Every timestamp on the wire uses it.
pub type Millis = i64;

/// Splits seconds into the two largest non-zero units for display: (value, Intl unit name).
/// `200` → `[(3, "minute"), (20, "second")]`; `7500` → `[(2, "hour"), (5, "minute")]`.
pub fn duration_parts(seconds: i64) -> Vec<(i64, &'static str)> {
    const UNITS: [(i64, &str); 4] = [(86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second")];
    let seconds = seconds.max(0);
    let Some(first) = UNITS.iter().position(|(size, _)| seconds >= *size) else {
        return vec![(0, "second")];
    };
    let (size, name) = UNITS[first];
    let mut parts = vec![(seconds / size, name)];
    if let Some(&(next_size, next_name)) = UNITS.get(first + 1) {
        let next = seconds % size / next_size;
        if next > 0 {
            parts.push((next, next_name));
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::duration_parts;

    #[test]
    fn durations_keep_their_two_largest_units() {
        assert_eq!(duration_parts(45), vec![(45, "second")]);
        assert_eq!(duration_parts(200), vec![(3, "minute"), (20, "second")]);
        assert_eq!(duration_parts(7_500), vec![(2, "hour"), (5, "minute")]);
        assert_eq!(duration_parts(3_600), vec![(1, "hour")]);
        assert_eq!(duration_parts(90_061), vec![(1, "day"), (1, "hour")]);
        assert_eq!(duration_parts(0), vec![(0, "second")]);
        assert_eq!(duration_parts(-5), vec![(0, "second")]);
    }
}
