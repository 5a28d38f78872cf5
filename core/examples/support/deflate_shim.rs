//! A read-side shim for permessage-deflate (RFC 7692 §6-§7) under tungstenite, which has
//! no compression support: it sits between the socket and tungstenite's framing, inflates
//! each compressed message (RSV1 set on its first frame) and hands tungstenite the same
//! message as one uncompressed frame. Writes pass through uncompressed, which RFC 7692 §6
//! allows ("an endpoint ... MAY send uncompressed messages").

use std::io::{self, Read, Write};

use flate2::{Decompress, FlushDecompress, Status};

/// Wraps a socket; `inflate` is whether permessage-deflate was agreed.
pub struct DeflateShim<S> {
    inner: S,
    inflate: bool,
    /// Bytes read from the socket and not yet turned into frames.
    raw: Vec<u8>,
    /// Frames ready for tungstenite.
    ready: Vec<u8>,
    /// A compressed message being gathered: opcode, payload so far.
    message: Option<(u8, Vec<u8>)>,
    decompress: Decompress,
}

impl<S> DeflateShim<S> {
    /// Wraps `inner`; `already_read` are bytes read past the handshake head.
    pub fn new(inner: S, already_read: Vec<u8>, inflate: bool) -> Self {
        DeflateShim {
            inner,
            inflate,
            raw: already_read,
            ready: Vec::new(),
            message: None,
            decompress: Decompress::new(false),
        }
    }
}

struct Frame {
    fin: bool,
    rsv1: bool,
    opcode: u8,
    masked: bool,
    payload: Vec<u8>,
    len: usize,
}

/// Parses one frame at the start of `bytes` (RFC 6455 §5.2), unmasking its payload.
fn parse_frame(bytes: &[u8]) -> Option<Frame> {
    let (&b0, &b1) = (bytes.first()?, bytes.get(1)?);
    let masked = b1 & 0x80 != 0;
    let (payload_len, mut at) = match b1 & 0x7f {
        126 => (
            u16::from_be_bytes([*bytes.get(2)?, *bytes.get(3)?]) as usize,
            4,
        ),
        127 => (
            u64::from_be_bytes(bytes.get(2..10)?.try_into().ok()?) as usize,
            10,
        ),
        n => (usize::from(n), 2),
    };
    let mask = if masked {
        let key: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        Some(key)
    } else {
        None
    };
    let mut payload = bytes.get(at..at + payload_len)?.to_vec();
    if let Some(key) = mask {
        for (i, byte) in payload.iter_mut().enumerate() {
            *byte ^= key[i % 4];
        }
    }
    Some(Frame {
        fin: b0 & 0x80 != 0,
        rsv1: b0 & 0x40 != 0,
        opcode: b0 & 0x0f,
        masked,
        payload,
        len: at + payload_len,
    })
}

/// Writes a final, uncompressed frame; masked with a zero key when the original was masked.
fn write_frame(out: &mut Vec<u8>, opcode: u8, masked: bool, payload: &[u8]) {
    out.push(0x80 | opcode);
    let mask_bit = if masked { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => out.push(mask_bit | n as u8),
        n if n <= 0xffff => {
            out.push(mask_bit | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(mask_bit | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    if masked {
        out.extend_from_slice(&[0, 0, 0, 0]);
    }
    out.extend_from_slice(payload);
}

impl<S> DeflateShim<S> {
    fn inflate_message(&mut self, mut compressed: Vec<u8>) -> io::Result<Vec<u8>> {
        compressed.extend_from_slice(&[0x00, 0x00, 0xff, 0xff]);
        let mut out = Vec::with_capacity(compressed.len() * 4 + 64);
        let mut input = &compressed[..];
        loop {
            let before_in = self.decompress.total_in();
            let before_out = out.len();
            let status = self
                .decompress
                .decompress_vec(input, &mut out, FlushDecompress::Sync)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            let used = (self.decompress.total_in() - before_in) as usize;
            input = &input[used..];
            let room_left = out.len() < out.capacity();
            if status == Status::StreamEnd || (input.is_empty() && room_left) {
                return Ok(out);
            }
            if used == 0 && out.len() == before_out && room_left {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "inflate made no progress",
                ));
            }
            out.reserve(out.capacity().max(1024));
        }
    }

    /// Moves every complete frame in `raw` to `ready`, inflating compressed messages.
    fn process(&mut self) -> io::Result<()> {
        while let Some(frame) = parse_frame(&self.raw) {
            let raw: Vec<u8> = self.raw.drain(..frame.len).collect();
            let compressed_start =
                self.inflate && frame.rsv1 && frame.opcode != 0 && frame.opcode < 8;
            if compressed_start || (frame.opcode == 0 && self.message.is_some()) {
                let (opcode, mut payload) =
                    self.message.take().unwrap_or((frame.opcode, Vec::new()));
                payload.extend_from_slice(&frame.payload);
                if frame.fin {
                    let plain = self.inflate_message(payload)?;
                    write_frame(&mut self.ready, opcode, frame.masked, &plain);
                } else {
                    self.message = Some((opcode, payload));
                }
            } else {
                // Not part of a compressed message: tungstenite gets the frame as it arrived.
                self.ready.extend_from_slice(&raw);
            }
        }
        Ok(())
    }
}

impl<S: Read> Read for DeflateShim<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.ready.is_empty() {
            self.process()?;
            if !self.ready.is_empty() {
                break;
            }
            let mut chunk = [0u8; 4096];
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                return Ok(0);
            }
            self.raw.extend_from_slice(&chunk[..n]);
        }
        let n = self.ready.len().min(buf.len());
        buf[..n].copy_from_slice(&self.ready[..n]);
        self.ready.drain(..n);
        Ok(n)
    }
}

impl<S: Write> Write for DeflateShim<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
