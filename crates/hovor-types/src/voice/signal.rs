//! Signalling: how a browser's audio connection reaches the server's media switch.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Rule};

/// Longest session description accepted; a browser's audio offer is 3–6 KB.
pub const SDP_MAX_CHARS: usize = 16_384;

/// A session description (RFC 8866): the browser's offer, or the server's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionDescription {
    pub sdp: String,
}

/// A description starts with its version line and fits [`SDP_MAX_CHARS`].
pub fn check_sdp(description: &SessionDescription) -> Result<(), FieldError> {
    let sdp = description.sdp.as_str();
    if sdp.trim().is_empty() {
        return Err(FieldError::new("sdp", Rule::Required));
    }
    if sdp.chars().count() > SDP_MAX_CHARS {
        return Err(FieldError::new("sdp", Rule::TooLong { max: SDP_MAX_CHARS }));
    }
    if !sdp.starts_with("v=0") {
        return Err(FieldError::new("sdp", Rule::Malformed));
    }
    Ok(())
}

/// A sound check plays the browser's own microphone back to it for this long at most.
pub const SOUND_CHECK_SECONDS: u64 = 60;
