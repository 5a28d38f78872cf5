//! The reference model: what a server must do with a model's request, written from the
//! RFCs without calling the core crate (RFC 9110 §7.8, RFC 9112 §3.2, RFC 6455 §4.2,
//! RFC 7692 §7). Its SHA-1 is `sha1_smol`, its base64 is below.

use crate::model::*;

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let sextets = [
            b[0] >> 2,
            (b[0] & 3) << 4 | b[1] >> 4,
            (b[1] & 15) << 2 | b[2] >> 6,
            b[2] & 63,
        ];
        for (i, sextet) in sextets.iter().enumerate() {
            out.push(if i <= chunk.len() {
                ALPHABET[usize::from(*sextet)] as char
            } else {
                '='
            });
        }
    }
    out
}

/// Sec-WebSocket-Accept for a key text (RFC 6455 §1.3, §4.2.2 item 5.4).
pub fn accept(key: &str) -> String {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(key.as_bytes());
    sha1.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64(&sha1.digest().bytes())
}

/// The permessage-deflate parameters a server answers with (RFC 7692 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateAnswer {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    pub client_max_window_bits: Option<u8>,
}

/// What the server must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// 101 to `websocket`.
    WebSocket {
        accept: String,
        subprotocol: Option<&'static str>,
        deflate: Option<DeflateAnswer>,
    },
    /// 101 to another protocol, named as the client wrote it.
    Other { protocol: String },
    /// Serve normally; the reason's snake_case name.
    Decline(&'static str),
    /// Refuse; the reason's name and status.
    Reject(&'static str, u16),
}

impl Expected {
    /// The response status, `None` for a decline.
    pub fn status(&self) -> Option<u16> {
        match self {
            Expected::WebSocket { .. } | Expected::Other { .. } => Some(101),
            Expected::Decline(_) => None,
            Expected::Reject(_, status) => Some(*status),
        }
    }
}

fn in_range(bits: u8) -> bool {
    (8..=15).contains(&bits)
}

/// RFC 7692 §7.1: an offer with an unknown or repeated parameter, or a window outside
/// 8..=15, is declined.
fn valid_offer(offer: &DeflateOfferModel) -> bool {
    !offer.unknown_param
        && !offer.repeated_param
        && offer.server_max_window_bits.is_none_or(in_range)
        && !matches!(offer.client_max_window_bits, Some(Some(bits)) if !in_range(bits))
}

fn min_of(a: Option<u8>, b: Option<u8>) -> Option<u8> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        _ => a.or(b),
    }
}

/// RFC 7692 §7.1.1-§7.1.2: honour every request, add the server's own limits where allowed;
/// `client_max_window_bits` only if the client offered it.
fn answer(offer: &DeflateOfferModel, wishes: &DeflateWishes) -> DeflateAnswer {
    let wish_server = wishes.server_max_window_bits.map(window);
    let wish_client = wishes.client_max_window_bits.map(window);
    DeflateAnswer {
        server_no_context_takeover: offer.server_no_context_takeover
            || wishes.server_no_context_takeover,
        client_no_context_takeover: offer.client_no_context_takeover
            || wishes.client_no_context_takeover,
        server_max_window_bits: min_of(offer.server_max_window_bits, wish_server),
        client_max_window_bits: match offer.client_max_window_bits {
            None => None,
            Some(None) => wish_client,
            Some(Some(bits)) => min_of(Some(bits), wish_client),
        },
    }
}

/// The largest head the server reads (the core crate's documented default).
pub const MAX_HEAD: usize = 8 * 1024;

/// The header storage the properties give the crate (its field-count bound).
pub const MAX_FIELDS: usize = 64;

/// The most elements one list header may hold (the core crate's documented default).
pub const MAX_LIST_ELEMENTS: usize = 32;

/// What the server must do with `model`'s request under `policy`; `head_len` is the size of
/// the rendered head, `field_count` its number of fields.
pub fn expected(
    model: &Handshake,
    policy: &Policy,
    head_len: usize,
    field_count: usize,
) -> Expected {
    // RFC 6585 §5: bounded heads; an over-long list is a too-large field.
    let too_many = Expected::Reject("too_many_list_elements", 431);
    if field_count > MAX_FIELDS {
        return Expected::Reject("too_many_headers", 431);
    }
    if head_len > MAX_HEAD {
        return Expected::Reject("head_too_large", 431);
    }
    let decline = |reason| {
        if policy.require_upgrade {
            Expected::Reject("upgrade_required", 426)
        } else {
            Expected::Decline(reason)
        }
    };
    // RFC 9110 §7.8: no Upgrade, HTTP/1.0, or no `upgrade` option: the field is ignored.
    if model.upgrade.is_empty() {
        return decline("no_upgrade");
    }
    if model.http10 {
        return decline("http_1_0");
    }
    if model.connection.len() > MAX_LIST_ELEMENTS {
        return too_many;
    }
    if !model
        .connection
        .iter()
        .any(|&i| pick(&CONNECTION_OPTIONS, i).eq_ignore_ascii_case("upgrade"))
    {
        return decline("connection_without_upgrade");
    }
    let entries = policy.protocol_entries();
    let takes = |offer: &ProtocolOffer| {
        let name = pick(&PROTOCOL_NAMES, offer.name);
        let version = offer.version.map(|v| pick(&PROTOCOL_VERSIONS, v));
        entries.iter().any(|entry| match entry.split_once('/') {
            Some((entry_name, entry_version)) => {
                name.eq_ignore_ascii_case(entry_name) && version == Some(entry_version)
            }
            None => name.eq_ignore_ascii_case(entry),
        })
    };
    if model.upgrade.len() > MAX_LIST_ELEMENTS {
        return too_many;
    }
    let Some(chosen) = model.upgrade.iter().find(|offer| takes(offer)) else {
        return decline("unsupported_protocol");
    };
    // RFC 9112 §3.2: exactly one Host.
    match model.host_presence {
        Presence::Missing => return Expected::Reject("missing_host", 400),
        Presence::Twice => return Expected::Reject("duplicate_host", 400),
        Presence::Once => {}
    }
    if !pick(&PROTOCOL_NAMES, chosen.name).eq_ignore_ascii_case("websocket") {
        return Expected::Other {
            protocol: crate::render::protocol_text(chosen),
        };
    }
    // RFC 6455 §4.2.1.
    if model.method != Method::Get {
        return Expected::Reject("method_not_get", 400);
    }
    match model.version {
        VersionField::Thirteen => {}
        VersionField::Missing => return Expected::Reject("missing_version", 426),
        VersionField::Twice => return Expected::Reject("duplicate_version", 426),
        VersionField::Other(_) => return Expected::Reject("unsupported_version", 426),
    }
    match model.key {
        KeyField::Valid => {}
        KeyField::Missing => return Expected::Reject("missing_key", 400),
        KeyField::Twice => return Expected::Reject("duplicate_key", 400),
        KeyField::Short | KeyField::BadCharacter | KeyField::Unpadded => {
            return Expected::Reject("invalid_key", 400);
        }
    }
    if model.subprotocols.len() > MAX_LIST_ELEMENTS || model.extensions.len() > MAX_LIST_ELEMENTS {
        return too_many;
    }
    // RFC 6455 §4.2.2 item 5.5: at most one of the client's offers.
    let offered: Vec<&'static str> = model
        .subprotocols
        .iter()
        .map(|&i| pick(&SUBPROTOCOLS, i))
        .collect();
    let supported = policy.subprotocol_names();
    let subprotocol = if policy.server_order {
        supported.iter().copied().find(|s| offered.contains(s))
    } else {
        offered.iter().copied().find(|s| supported.contains(s))
    };
    // RFC 7692 §5-§7: the first valid permessage-deflate offer, if the server does deflate.
    let deflate = policy.deflate.and_then(|wishes| {
        model.extensions.iter().find_map(|offer| match offer {
            ExtensionOffer::Deflate(deflate) if valid_offer(deflate) => {
                Some(answer(deflate, &wishes))
            }
            _ => None,
        })
    });
    Expected::WebSocket {
        accept: accept(&model.key_text()),
        subprotocol,
        deflate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_sample() {
        assert_eq!(base64(b"the sample nonce"), "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(
            accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert_eq!(base64(b"ab"), "YWI=");
    }
}
