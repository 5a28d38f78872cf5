//! Renderers: one model, many byte-level requests that must all mean the same
//! (RFC 9110 §5.1 case-insensitive names, §5.3 combined list fields, §5.6.1 empty elements
//! and OWS, field order).

use arbitrary::Arbitrary;
use serde::{Deserialize, Serialize};

use crate::model::*;

/// How to write one model: field order, name casing, OWS, list splits, empty elements.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendering {
    /// Sort keys for the fields (cycled); equal keys keep the model's order.
    pub order: Vec<u16>,
    /// Per-character case flips of header names (cycled); empty: names as written.
    pub casing: Vec<bool>,
    /// Per-element OWS choice (cycled): none, SP, HTAB, or SP HTAB SP.
    pub ows: Vec<u8>,
    /// Bit i set: start a new field after list element i.
    pub split_mask: u32,
    /// Write empty list elements (`, ,a,,b ,`).
    pub empty_elements: bool,
    /// A padding field of this many bytes (for the over-limit fault).
    pub padding: u16,
}

/// The longest padding rendered: past the 8 KiB head limit with room to spare, so every
/// larger padding gets the same verdict (431) without writing and scanning up to 64 KiB per
/// fuzz execution (a quarter of the structured corpus decodes to more).
pub const MAX_PADDING: u16 = 8448;

/// One header field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub value: String,
}

fn ows(rendering: &Rendering, index: usize) -> &'static str {
    if rendering.ows.is_empty() {
        return "";
    }
    ["", " ", "\t", " \t "][usize::from(rendering.ows[index % rendering.ows.len()] % 4)]
}

/// A list header's elements as one or more fields, split and padded as `rendering` says.
fn list_fields(
    name: &'static str,
    elements: &[String],
    rendering: &Rendering,
    out: &mut Vec<Field>,
) {
    if elements.is_empty() {
        return;
    }
    let mut value = String::new();
    if rendering.empty_elements {
        value.push_str(", ");
    }
    for (index, element) in elements.iter().enumerate() {
        if !value.is_empty() && !value.ends_with(", ") {
            value.push(',');
        }
        value.push_str(ows(rendering, index));
        value.push_str(element);
        value.push_str(ows(rendering, index + 1));
        if rendering.empty_elements {
            value.push_str(", ,");
        }
        let split_here =
            index + 1 < elements.len() && index < 32 && rendering.split_mask & (1 << index) != 0;
        if split_here {
            out.push(Field {
                name,
                value: std::mem::take(&mut value),
            });
        }
    }
    out.push(Field { name, value });
}

/// The offer's Upgrade element.
pub fn protocol_text(offer: &ProtocolOffer) -> String {
    let name = pick(&PROTOCOL_NAMES, offer.name);
    match offer.version {
        Some(version) => format!("{name}/{}", pick(&PROTOCOL_VERSIONS, version)),
        None => name.to_string(),
    }
}

fn value(bits: u8, quoting: Quoting) -> String {
    match quoting {
        Quoting::Token => bits.to_string(),
        Quoting::Quoted => format!("\"{bits}\""),
    }
}

/// `param` written twice, each time valid alone in an offer and in an answer (window bits
/// 10), after a `; `; empty for none.
pub fn repeated_text(param: RepeatedParam, quoting: Quoting) -> String {
    let once = match param {
        RepeatedParam::None => return String::new(),
        RepeatedParam::ServerNoContextTakeover => "server_no_context_takeover".to_string(),
        RepeatedParam::ClientNoContextTakeover => "client_no_context_takeover".to_string(),
        RepeatedParam::ServerMaxWindowBits => {
            format!("server_max_window_bits={}", value(10, quoting))
        }
        RepeatedParam::ClientMaxWindowBits => {
            format!("client_max_window_bits={}", value(10, quoting))
        }
    };
    format!("; {once}; {once}")
}

/// The offer's Sec-WebSocket-Extensions element.
pub fn extension_text(offer: &ExtensionOffer) -> String {
    match offer {
        ExtensionOffer::Other(index) => pick(&OTHER_EXTENSIONS, *index).0.to_string(),
        ExtensionOffer::Deflate(deflate) => {
            let mut text = String::from("permessage-deflate");
            if deflate.server_no_context_takeover {
                text.push_str("; server_no_context_takeover");
            }
            text.push_str(&repeated_text(deflate.repeated_param, deflate.quoting));
            if deflate.client_no_context_takeover {
                text.push_str("; client_no_context_takeover");
            }
            if let Some(bits) = deflate.server_max_window_bits {
                text.push_str(&format!(
                    "; server_max_window_bits={}",
                    value(bits, deflate.quoting)
                ));
            }
            match deflate.client_max_window_bits {
                None => {}
                Some(None) => text.push_str("; client_max_window_bits"),
                Some(Some(bits)) => {
                    text.push_str(&format!(
                        "; client_max_window_bits={}",
                        value(bits, deflate.quoting)
                    ));
                }
            }
            if deflate.unknown_param {
                text.push_str("; mystery=1");
            }
            text
        }
    }
}

/// The Sec-WebSocket-Key value(s) the model sends.
fn key_values(model: &Handshake) -> Vec<String> {
    let valid = model.key_text();
    match model.key {
        KeyField::Valid => vec![valid],
        KeyField::Missing => vec![],
        KeyField::Twice => vec![valid.clone(), valid],
        KeyField::Short => vec![crate::rfc::base64(&model.nonce[..15])],
        KeyField::BadCharacter => vec![format!("{}!{}", &valid[..3], &valid[4..])],
        KeyField::Unpadded => vec![valid.trim_end_matches('=').to_string()],
    }
}

/// The fields a model's request carries, in the model's own order.
pub fn fields(model: &Handshake, rendering: &Rendering) -> Vec<Field> {
    let mut out = Vec::new();
    let host = pick(&HOSTS, model.host).0.to_string();
    let host_count = match model.host_presence {
        Presence::Once => 1,
        Presence::Missing => 0,
        Presence::Twice => 2,
    };
    for _ in 0..host_count {
        out.push(Field {
            name: "Host",
            value: host.clone(),
        });
    }
    let upgrade: Vec<String> = model.upgrade.iter().map(protocol_text).collect();
    list_fields("Upgrade", &upgrade, rendering, &mut out);
    let connection: Vec<String> = model
        .connection
        .iter()
        .map(|&i| pick(&CONNECTION_OPTIONS, i).to_string())
        .collect();
    list_fields("Connection", &connection, rendering, &mut out);
    for key in key_values(model) {
        out.push(Field {
            name: "Sec-WebSocket-Key",
            value: key,
        });
    }
    let version = match model.version {
        VersionField::Thirteen => vec!["13"],
        VersionField::Missing => vec![],
        VersionField::Twice => vec!["13", "13"],
        VersionField::Other(index) => vec![pick(&OTHER_VERSIONS, index)],
    };
    for value in version {
        out.push(Field {
            name: "Sec-WebSocket-Version",
            value: value.to_string(),
        });
    }
    if let Some(origin) = model.origin {
        out.push(Field {
            name: "Origin",
            value: pick(&ORIGINS, origin).0.to_string(),
        });
    }
    for (name, value) in framing_fields(&model.framing) {
        out.push(Field { name, value });
    }
    for &index in &model.http2_settings {
        out.push(Field {
            name: "HTTP2-Settings",
            value: pick(&HTTP2_SETTINGS, index).0.to_string(),
        });
    }
    if let Some(expect) = model.expect {
        out.push(Field {
            name: "Expect",
            value: pick(&EXPECTS, expect).0.to_string(),
        });
    }
    let subprotocols: Vec<String> = model
        .subprotocols
        .iter()
        .map(|&i| pick(&SUBPROTOCOLS, i).to_string())
        .collect();
    list_fields("Sec-WebSocket-Protocol", &subprotocols, rendering, &mut out);
    let extensions: Vec<String> = model.extensions.iter().map(extension_text).collect();
    list_fields("Sec-WebSocket-Extensions", &extensions, rendering, &mut out);
    for noise in &model.noise {
        out.push(Field {
            name: pick(&NOISE_NAMES, noise.name),
            value: pick(&NOISE_VALUES, noise.value).to_string(),
        });
    }
    if rendering.padding > 0 {
        out.push(Field {
            name: "X-Padding",
            value: "p".repeat(usize::from(rendering.padding.min(MAX_PADDING))),
        });
    }
    out
}

/// Applies the field order and name casing.
pub fn arrange(mut fields: Vec<Field>, rendering: &Rendering) -> Vec<(String, String)> {
    if !rendering.order.is_empty() {
        let keys = &rendering.order;
        // The slots: each field's sort key, ties in the model's order.
        let mut slots: Vec<(u16, usize, &'static str)> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (keys[i % keys.len()], i, f.name))
            .collect();
        slots.sort_unstable_by_key(|(key, index, _)| (*key, *index));
        // RFC 9110 §5.3: fields of one name keep their relative order, so the combined
        // list means the same; only the interleaving of different names changes. Each
        // slot takes the next field of its name, in the model's order.
        // A model has a few distinct names: a list beats hashing them.
        let mut queues: Vec<(&'static str, std::collections::VecDeque<Field>)> = Vec::new();
        for field in fields.drain(..) {
            match queues.iter_mut().find(|(name, _)| *name == field.name) {
                Some((_, queue)) => queue.push_back(field),
                None => queues.push((field.name, std::collections::VecDeque::from([field]))),
            }
        }
        fields = slots
            .iter()
            .map(|(_, _, name)| {
                queues
                    .iter_mut()
                    .find(|(queued, _)| queued == name)
                    .and_then(|(_, queue)| queue.pop_front())
                    .expect("one field per slot")
            })
            .collect();
    }
    // Each name character takes the next casing flag, cycling through them (the count runs
    // on across names). Names are ASCII; with no flag set, names stay as written.
    let casing = &rendering.casing;
    if !casing.iter().any(|&flip| flip) {
        return fields
            .into_iter()
            .map(|f| (f.name.to_string(), f.value))
            .collect();
    }
    let mut at = 0usize;
    fields
        .into_iter()
        .map(|field| {
            let mut name = String::with_capacity(field.name.len());
            for c in field.name.chars() {
                at = (at + 1) % casing.len();
                name.push(match (casing[at], c.is_ascii_uppercase()) {
                    (false, _) => c,
                    (true, true) => c.to_ascii_lowercase(),
                    (true, false) => c.to_ascii_uppercase(),
                });
            }
            (name, field.value)
        })
        .collect()
}

/// The request head alone.
pub fn head(model: &Handshake, rendering: &Rendering) -> Vec<u8> {
    head_from(model, &arrange(fields(model, rendering), rendering))
}

/// The head for already arranged fields.
pub fn head_from(model: &Handshake, fields: &[(String, String)]) -> Vec<u8> {
    let method = match model.method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Head => "HEAD",
    };
    let version = if model.http10 { "1.0" } else { "1.1" };
    let mut out = format!("{method} {} HTTP/{version}\r\n", pick(&PATHS, model.path).0);
    for (name, value) in fields {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The Content-Length and Transfer-Encoding fields a framing writes.
pub fn framing_fields(framing: &Framing) -> Vec<(&'static str, String)> {
    match *framing {
        Framing::None => vec![],
        Framing::Length(n) => vec![("Content-Length", n.to_string())],
        Framing::LengthRepeated(n) => vec![
            ("Content-Length", n.to_string()),
            ("Content-Length", format!("{n}, {n}")),
        ],
        Framing::LengthNearMiss {
            digits,
            edit,
            at,
            byte,
        } => vec![("Content-Length", length_near_miss(digits, edit, at, byte))],
        Framing::TransferEncoding(index) => {
            vec![(
                "Transfer-Encoding",
                pick(&TRANSFER_ENCODINGS, index).0.to_string(),
            )]
        }
        Framing::Both => vec![
            ("Content-Length", "5".to_string()),
            ("Transfer-Encoding", "chunked".to_string()),
        ],
    }
}

/// The body bytes that follow the head: as many as a Content-Length says, or one chunk
/// and the last chunk for a chunked body (RFC 9112 §7.1).
pub fn body(model: &Handshake) -> Vec<u8> {
    match model.framing {
        Framing::Length(n) | Framing::LengthRepeated(n) => vec![b'b'; usize::from(n)],
        Framing::TransferEncoding(_) | Framing::Both => b"5\r\nhello\r\n0\r\n\r\n".to_vec(),
        Framing::None | Framing::LengthNearMiss { .. } => vec![],
    }
}

/// The head, the body, then the model's trailing bytes.
pub fn request(model: &Handshake, rendering: &Rendering) -> Vec<u8> {
    let mut bytes = head(model, rendering);
    bytes.extend_from_slice(&body(model));
    bytes.extend_from_slice(&model.trailing);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Promoted from the first proptest failure: shuffling the field order must keep
    /// fields of one name in their relative order, or a split list changes meaning.
    #[test]
    fn arrange_keeps_same_name_fields_in_order() {
        let fields = vec![
            Field {
                name: "Upgrade",
                value: "h2c".into(),
            },
            Field {
                name: "Host",
                value: "h".into(),
            },
            Field {
                name: "Upgrade",
                value: "websocket".into(),
            },
        ];
        let rendering = Rendering {
            order: vec![9, 5, 1],
            ..Rendering::default()
        };
        let arranged = arrange(fields, &rendering);
        let upgrades: Vec<&str> = arranged
            .iter()
            .filter(|(n, _)| n == "Upgrade")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(upgrades, ["h2c", "websocket"]);
        assert_eq!(arranged[1].0, "Host");
    }
}
