//! Single-fault mutations: one thing wrong at a time, each labelled with what it must cause.

use arbitrary::Arbitrary;

use crate::model::*;
use crate::reference::Expected;
use crate::render::Rendering;

/// One fault to put into a valid WebSocket request.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    ShortKey,
    BadBase64,
    UnpaddedKey,
    DuplicateKey,
    MissingKey,
    DuplicateHost,
    MissingHost,
    /// An index into [`OTHER_VERSIONS`].
    WrongVersion(u8),
    MissingVersion,
    DuplicateVersion,
    /// Connection without the `upgrade` option.
    NoUpgradeToken,
    WrongMethod,
    Http10,
    /// A head over the 8 KiB limit.
    OverLimit,
    /// `Content-Length: 5` and a body on a WebSocket handshake.
    BodyOnWebSocket,
    /// Content-Length and Transfer-Encoding together.
    ConflictingFraming,
    /// `Content-Length: 1, 2`.
    DifferingLengths,
    /// `Transfer-Encoding: chunked, gzip`.
    ChunkedNotLast,
    /// `Transfer-Encoding: foo, chunked`.
    UnknownCoding,
    /// `Host: example.com, evil.test`.
    CommaHost,
    /// `GET ws://user@example.com/chat`.
    UserinfoTarget,
    /// `Expect: 200-ok`.
    UnmetExpectation,
    /// An extension offer with a quoted value that is not a token.
    QuotedNonToken,
}

impl Fault {
    /// Every fault, one of each.
    pub const ALL: [Fault; 23] = [
        Fault::ShortKey,
        Fault::BadBase64,
        Fault::UnpaddedKey,
        Fault::DuplicateKey,
        Fault::MissingKey,
        Fault::DuplicateHost,
        Fault::MissingHost,
        Fault::WrongVersion(0),
        Fault::MissingVersion,
        Fault::DuplicateVersion,
        Fault::NoUpgradeToken,
        Fault::WrongMethod,
        Fault::Http10,
        Fault::OverLimit,
        Fault::BodyOnWebSocket,
        Fault::ConflictingFraming,
        Fault::DifferingLengths,
        Fault::ChunkedNotLast,
        Fault::UnknownCoding,
        Fault::CommaHost,
        Fault::UserinfoTarget,
        Fault::UnmetExpectation,
        Fault::QuotedNonToken,
    ];

    /// Puts the fault into a model and its rendering.
    pub fn apply(&self, model: &mut Handshake, rendering: &mut Rendering) {
        match *self {
            Fault::ShortKey => model.key = KeyField::Short,
            Fault::BadBase64 => model.key = KeyField::BadCharacter,
            Fault::UnpaddedKey => model.key = KeyField::Unpadded,
            Fault::DuplicateKey => model.key = KeyField::Twice,
            Fault::MissingKey => model.key = KeyField::Missing,
            Fault::DuplicateHost => model.host_presence = Presence::Twice,
            Fault::MissingHost => model.host_presence = Presence::Missing,
            Fault::WrongVersion(index) => model.version = VersionField::Other(index),
            Fault::MissingVersion => model.version = VersionField::Missing,
            Fault::DuplicateVersion => model.version = VersionField::Twice,
            Fault::NoUpgradeToken => {
                model
                    .connection
                    .retain(|&i| !pick(&CONNECTION_OPTIONS, i).eq_ignore_ascii_case("upgrade"));
            }
            Fault::WrongMethod => model.method = Method::Post,
            Fault::Http10 => model.http10 = true,
            Fault::OverLimit => rendering.padding = 8300,
            Fault::BodyOnWebSocket => model.framing = Framing::Length(5),
            Fault::ConflictingFraming => model.framing = Framing::Both,
            Fault::DifferingLengths => {
                // "1" with edit 4: "1, 2".
                model.framing = Framing::LengthNearMiss {
                    digits: 1,
                    edit: 4,
                    at: 0,
                    byte: 0,
                };
            }
            Fault::ChunkedNotLast => model.framing = Framing::TransferEncoding(5),
            Fault::UnknownCoding => model.framing = Framing::TransferEncoding(10),
            Fault::CommaHost => {
                model.host = HOSTS
                    .iter()
                    .position(|(text, _)| *text == "example.com, evil.test")
                    .and_then(|at| u8::try_from(at).ok())
                    .expect("the comma host is in the pool")
            }
            Fault::UserinfoTarget => model.path = 6,
            Fault::UnmetExpectation => model.expect = Some(4),
            Fault::QuotedNonToken => model.extensions.push(ExtensionOffer::Other(3)),
        }
    }

    /// The outcome the fault must cause, written down by hand from the RFCs (not computed
    /// by the reference model, so the two check each other).
    pub fn label(&self, require_upgrade: bool) -> Expected {
        let ignored = |reason| {
            if require_upgrade {
                Expected::Reject("upgrade_required", 426)
            } else {
                Expected::Decline(reason)
            }
        };
        match self {
            Fault::ShortKey | Fault::BadBase64 | Fault::UnpaddedKey => {
                Expected::Reject("invalid_key", 400)
            }
            Fault::DuplicateKey => Expected::Reject("duplicate_key", 400),
            Fault::MissingKey => Expected::Reject("missing_key", 400),
            Fault::DuplicateHost => Expected::Reject("duplicate_host", 400),
            Fault::MissingHost => Expected::Reject("missing_host", 400),
            Fault::WrongVersion(_) => Expected::Reject("unsupported_version", 426),
            Fault::MissingVersion => Expected::Reject("missing_version", 426),
            Fault::DuplicateVersion => Expected::Reject("duplicate_version", 426),
            Fault::NoUpgradeToken => ignored("connection_without_upgrade"),
            Fault::WrongMethod => Expected::Reject("method_not_get", 400),
            Fault::Http10 => ignored("http_1_0"),
            Fault::OverLimit => Expected::Reject("head_too_large", 431),
            Fault::BodyOnWebSocket => Expected::Reject("request_body", 400),
            Fault::ConflictingFraming => Expected::Reject("conflicting_framing", 400),
            Fault::DifferingLengths => Expected::Reject("invalid_content_length", 400),
            Fault::ChunkedNotLast => Expected::Reject("invalid_transfer_encoding", 400),
            Fault::UnknownCoding => Expected::Reject("unsupported_transfer_coding", 501),
            Fault::CommaHost => Expected::Reject("invalid_host", 400),
            Fault::UserinfoTarget => Expected::Reject("invalid_target", 400),
            Fault::UnmetExpectation => Expected::Reject("expectation_failed", 417),
            Fault::QuotedNonToken => Expected::Reject("malformed_extensions", 400),
        }
    }
}
