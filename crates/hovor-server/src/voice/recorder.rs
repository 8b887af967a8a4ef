//! A call's recording on disk: the switch's 20 ms Opus packets of it, written as an Ogg Opus file
//! (RFC 7845) by a thread of its own, so the media thread never waits for the disk.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;

use ogg::writing::{PacketWriteEndInfo, PacketWriter};

use super::mixer::FRAME;
use super::music::OPUS_RATE;

/// The samples an Opus decoder drops at the start (the encoder's look-ahead at 48 kHz).
const PRE_SKIP: u16 = 312;

/// Writes `packets` to `path` until their sender is gone; returns the recording's length in ms.
pub fn write(path: PathBuf, packets: Receiver<Vec<u8>>) -> JoinHandle<io::Result<u64>> {
    std::thread::spawn(move || {
        let mut writer = PacketWriter::new(BufWriter::new(File::create(&path)?));
        let serial = 0x686f_766f; // "hovo"
        writer.write_packet(opus_head(), serial, PacketWriteEndInfo::EndPage, 0)?;
        writer.write_packet(opus_tags(), serial, PacketWriteEndInfo::EndPage, 0)?;
        let mut frames: u64 = 0;
        // One packet behind, so the last one can close the stream.
        let mut held: Option<Vec<u8>> = None;
        for packet in packets {
            if let Some(previous) = held.replace(packet) {
                frames += 1;
                writer.write_packet(previous, serial, PacketWriteEndInfo::NormalPacket, granule(frames))?;
            }
        }
        if let Some(last) = held {
            frames += 1;
            writer.write_packet(last, serial, PacketWriteEndInfo::EndStream, granule(frames))?;
        }
        writer.into_inner().into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(frames * FRAME as u64 * 1000 / u64::from(OPUS_RATE))
    })
}

/// The position after `frames` packets: 48 kHz samples, counting the pre-skip.
fn granule(frames: u64) -> u64 {
    u64::from(PRE_SKIP) + frames * FRAME as u64
}

/// The identification header: version 1, mono, the pre-skip, 48 kHz, no gain, one stream.
fn opus_head() -> Vec<u8> {
    let mut head = b"OpusHead".to_vec();
    head.push(1);
    head.push(1);
    head.extend_from_slice(&PRE_SKIP.to_le_bytes());
    head.extend_from_slice(&OPUS_RATE.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes());
    head.push(0);
    head
}

/// The comment header: the vendor and no comments (nothing personal goes into the file).
fn opus_tags() -> Vec<u8> {
    let vendor = b"Hovor";
    let mut tags = b"OpusTags".to_vec();
    tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    tags.extend_from_slice(vendor);
    tags.extend_from_slice(&0u32.to_le_bytes());
    tags
}
