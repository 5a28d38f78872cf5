//! A `#![no_std]` user of http-upgrade: negotiates a handshake without std, so the build
//! proves the crate and its dependencies stay out of std.
#![no_std]

use http_upgrade::{Outcome, ServerPolicy, Status, EMPTY_HEADER};

/// Answers a request in `bytes` into `out`; the status written, or 0.
#[no_mangle]
pub extern "C" fn http_upgrade_answer(
    bytes: *const u8,
    len: usize,
    out: *mut u8,
    out_len: usize,
) -> u16 {
    // SAFETY: the caller passes two valid, non-overlapping buffers of the given lengths.
    let (bytes, out) = unsafe {
        (
            core::slice::from_raw_parts(bytes, len),
            core::slice::from_raw_parts_mut(out, out_len),
        )
    };
    let policy = ServerPolicy::websocket();
    let mut headers = [EMPTY_HEADER; 32];
    let Status::Complete(handshake) = policy.handshake(bytes, &mut headers) else {
        return 0;
    };
    match policy.write_response(&handshake.outcome, out) {
        Ok(_) => match handshake.outcome {
            Outcome::Switch(_) => 101,
            Outcome::Reject(reason) => reason.status(),
            _ => 0,
        },
        Err(_) => 0,
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
