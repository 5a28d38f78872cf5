//! The client's reference: a model of a server's answer, valid or faulty in the ways a
//! server can get it wrong (near misses included), and what the client must make of it,
//! written from RFC 6455 §4.1 (the client's checks 1-6 of the response) and RFC 7692
//! §7.1-§7.2 without calling the core crate. The crate's own client is then compared
//! verdict for verdict, never round-tripped through the crate's server.

use arbitrary::Arbitrary;
use serde::{Deserialize, Serialize};

use crate::model::*;
use crate::reference::{in_range, valid_offer};
use crate::rfc::{accept, base64};

/// Status codes a server may answer with (mostly 101).
pub const STATUSES: [u16; 6] = [101, 101, 101, 200, 426, 400];

/// Upgrade field values (`None`: no field; two values: two fields) and whether the client
/// accepts them: RFC 6455 §4.1 item 2 wants an ASCII case-insensitive match for `websocket`.
pub const UPGRADES: [(&[&str], bool); 7] = [
    (&["websocket"], true),
    (&["WebSocket"], true),
    (&["websocket, h2c"], false),
    (&["h2c"], false),
    (&[], false),
    (&["websocket", "websocket"], false),
    (&["websocket/13"], false),
];

/// Connection field values and whether the client accepts them: RFC 6455 §4.1 item 3 wants
/// the `Upgrade` token, case-insensitively, in a well-formed list.
pub const CONNECTIONS: [(&[&str], bool); 7] = [
    (&["Upgrade"], true),
    (&["upgrade"], true),
    (&["keep-alive, Upgrade"], true),
    (&["keep-alive", "UPGRADE"], true),
    (&["keep-alive"], false),
    (&[], false),
    (&["Upgrades"], false),
];

/// What the server put in Sec-WebSocket-Accept.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptField {
    Valid,
    Missing,
    /// The right value, twice.
    Twice,
    /// The right value with one character at this position changed to the next in the
    /// base64 alphabet.
    OneCharOff(u8),
    /// The right value without its padding.
    Unpadded,
    /// The accept for another key (the key's own text, not hashed).
    KeyEchoed,
}

/// What the server put in Sec-WebSocket-Protocol.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum SubprotocolAnswer {
    None,
    /// The n-th offered one (none offered: the first pool name).
    Offered(u8),
    /// Any pool name, offered or not.
    Pool(u8),
    /// Two names in one field.
    Two(u8, u8),
}

/// A permessage-deflate answer; window values are raw, so out-of-range ones occur.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateAnswerModel {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    /// `Some(None)`: without a value, which a response must not send (RFC 7692 §7.1.2.2).
    pub client_max_window_bits: Option<Option<u8>>,
    pub unknown_param: bool,
    pub repeated_param: RepeatedParam,
}

/// One element the server put in Sec-WebSocket-Extensions.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionAnswer {
    Deflate(DeflateAnswerModel),
    /// An index into [`OTHER_EXTENSIONS`].
    Other(u8),
    /// The exact answer to the client's n-th deflate offer, then one near-miss edit:
    /// see [`near_miss`].
    NearMiss {
        offer: u8,
        edit: u8,
    },
}

/// The parameter near-miss edit 10 repeats, by `edit / 11`: `client_no_context_takeover`
/// first (what the edit always repeated before), then the other three.
const ANSWER_REPEATS: [RepeatedParam; 4] = [
    RepeatedParam::ClientNoContextTakeover,
    RepeatedParam::ServerNoContextTakeover,
    RepeatedParam::ServerMaxWindowBits,
    RepeatedParam::ClientMaxWindowBits,
];

/// The answer that mirrors a deflate offer (every request honoured, nothing added), with
/// one edit: 0 none, 1 drop server_no_context_takeover, 2/3 server_max_window_bits one
/// above/below the offer's, 4/5 client_max_window_bits one above/below, 6 add
/// client_max_window_bits=15, 7 server_max_window_bits=16, 8 client_max_window_bits=7,
/// 9 client_max_window_bits without a value, 10 a parameter twice (`ANSWER_REPEATS`, by
/// `edit / 11`).
pub fn near_miss(offer: &DeflateOfferModel, edit: u8) -> DeflateAnswerModel {
    let mut answer = DeflateAnswerModel {
        server_no_context_takeover: offer.server_no_context_takeover,
        client_no_context_takeover: offer.client_no_context_takeover,
        server_max_window_bits: offer.server_max_window_bits,
        client_max_window_bits: offer.client_max_window_bits.flatten().map(Some),
        unknown_param: false,
        repeated_param: RepeatedParam::None,
    };
    let bump = |bits: Option<u8>, up: bool| -> Option<u8> {
        Some(match (bits, up) {
            (Some(b), true) => b.saturating_add(1),
            (Some(b), false) => b.saturating_sub(1),
            (None, true) => 15,
            (None, false) => 8,
        })
    };
    match edit % 11 {
        1 => answer.server_no_context_takeover = false,
        2 => answer.server_max_window_bits = bump(offer.server_max_window_bits, true),
        3 => answer.server_max_window_bits = bump(offer.server_max_window_bits, false),
        4 => {
            answer.client_max_window_bits = Some(bump(offer.client_max_window_bits.flatten(), true))
        }
        5 => {
            answer.client_max_window_bits =
                Some(bump(offer.client_max_window_bits.flatten(), false))
        }
        6 => answer.client_max_window_bits = Some(Some(15)),
        7 => answer.server_max_window_bits = Some(16),
        8 => answer.client_max_window_bits = Some(Some(7)),
        9 => answer.client_max_window_bits = Some(None),
        10 => {
            let which = usize::from(edit / 11) % ANSWER_REPEATS.len();
            answer.repeated_param = ANSWER_REPEATS[which];
        }
        _ => {}
    }
    answer
}

/// A client's offers and the server's answer to them.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ClientCase {
    pub nonce: [u8; 16],
    /// Indices into [`SUBPROTOCOLS`].
    pub offered_subprotocols: Vec<u8>,
    pub offered_extensions: Vec<ExtensionOffer>,
    pub http10: bool,
    /// An index into [`STATUSES`].
    pub status: u8,
    /// An index into [`UPGRADES`].
    pub upgrade: u8,
    /// An index into [`CONNECTIONS`].
    pub connection: u8,
    pub accept: AcceptField,
    pub subprotocol: SubprotocolAnswer,
    pub extensions: Vec<ExtensionAnswer>,
}

const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl ClientCase {
    /// The key text the client sent.
    pub fn key_text(&self) -> String {
        base64(&self.nonce)
    }

    /// The subprotocols offered, deduplicated, in order.
    pub fn offered(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for &i in &self.offered_subprotocols {
            let name = pick(&SUBPROTOCOLS, i);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The client's Sec-WebSocket-Extensions value.
    pub fn offer_text(&self) -> String {
        self.offered_extensions
            .iter()
            .map(crate::render::extension_text)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// [`ClientCase::offer_text`] with only the elements that follow RFC 6455 §9.1 (the
    /// table's validity flag, written from the grammar).
    pub fn valid_offer_text(&self) -> String {
        self.offered_extensions
            .iter()
            .filter(|offer| match offer {
                ExtensionOffer::Other(i) => pick(&OTHER_EXTENSIONS, *i).1,
                ExtensionOffer::Deflate(_) => true,
            })
            .map(crate::render::extension_text)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn accept_values(&self) -> Vec<String> {
        let right = accept(&self.key_text());
        match self.accept {
            AcceptField::Valid => vec![right],
            AcceptField::Missing => vec![],
            AcceptField::Twice => vec![right.clone(), right],
            AcceptField::OneCharOff(at) => {
                let at = usize::from(at) % 27; // the 27 characters before the padding
                let mut chars: Vec<char> = right.chars().collect();
                let index = ALPHABET.find(chars[at]).expect("base64");
                chars[at] = ALPHABET.as_bytes()[(index + 1) % 64] as char;
                vec![chars.into_iter().collect()]
            }
            AcceptField::Unpadded => vec![right.trim_end_matches('=').to_string()],
            AcceptField::KeyEchoed => vec![self.key_text()],
        }
    }

    fn subprotocol_values(&self) -> Vec<String> {
        let offered = self.offered();
        match &self.subprotocol {
            SubprotocolAnswer::None => vec![],
            SubprotocolAnswer::Offered(i) => vec![if offered.is_empty() {
                SUBPROTOCOLS[0].to_string()
            } else {
                offered[usize::from(*i) % offered.len()].to_string()
            }],
            SubprotocolAnswer::Pool(i) => vec![pick(&SUBPROTOCOLS, *i).to_string()],
            SubprotocolAnswer::Two(a, b) => vec![format!(
                "{}, {}",
                pick(&SUBPROTOCOLS, *a),
                pick(&SUBPROTOCOLS, *b)
            )],
        }
    }

    /// The response head.
    pub fn response(&self) -> Vec<u8> {
        let status = pick(&STATUSES, self.status);
        let minor = if self.http10 { 0 } else { 1 };
        let mut out = format!("HTTP/1.{minor} {status} Some Reason\r\n");
        for value in pick(&UPGRADES, self.upgrade).0 {
            out.push_str(&format!("Upgrade: {value}\r\n"));
        }
        for value in pick(&CONNECTIONS, self.connection).0 {
            out.push_str(&format!("Connection: {value}\r\n"));
        }
        for value in self.accept_values() {
            out.push_str(&format!("Sec-WebSocket-Accept: {value}\r\n"));
        }
        for value in self.subprotocol_values() {
            out.push_str(&format!("Sec-WebSocket-Protocol: {value}\r\n"));
        }
        if !self.extensions.is_empty() {
            let text: Vec<String> = self
                .extensions
                .iter()
                .map(|answer| answer_text(&self.resolve(answer)))
                .collect();
            out.push_str(&format!(
                "Sec-WebSocket-Extensions: {}\r\n",
                text.join(", ")
            ));
        }
        out.push_str("\r\n");
        out.into_bytes()
    }
}

impl ClientCase {
    /// An answer with near misses resolved against this case's own offers (a near miss of
    /// an offer that is not there is the plain `permessage-deflate`).
    pub fn resolve(&self, answer: &ExtensionAnswer) -> ExtensionAnswer {
        let ExtensionAnswer::NearMiss { offer, edit } = *answer else {
            return *answer;
        };
        let offers: Vec<&DeflateOfferModel> = self
            .offered_extensions
            .iter()
            .filter_map(|o| match o {
                ExtensionOffer::Deflate(d) => Some(d),
                ExtensionOffer::Other(_) => None,
            })
            .collect();
        let base = match offers.get(usize::from(offer) % offers.len().max(1)) {
            Some(offer) => near_miss(offer, edit),
            None => near_miss(&DeflateOfferModel::default_offer(), edit),
        };
        ExtensionAnswer::Deflate(base)
    }
}

impl DeflateOfferModel {
    /// `permessage-deflate` with no parameter.
    pub fn default_offer() -> Self {
        DeflateOfferModel {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: None,
            client_max_window_bits: None,
            unknown_param: false,
            repeated_param: RepeatedParam::None,
            quoting: Quoting::Token,
        }
    }
}

/// One extension answer as the server writes it (near misses already resolved).
pub fn answer_text(answer: &ExtensionAnswer) -> String {
    match answer {
        ExtensionAnswer::Other(i) => pick(&OTHER_EXTENSIONS, *i).0.to_string(),
        ExtensionAnswer::NearMiss { .. } => String::from("permessage-deflate"),
        ExtensionAnswer::Deflate(d) => {
            let mut text = String::from("permessage-deflate");
            if d.server_no_context_takeover {
                text.push_str("; server_no_context_takeover");
            }
            if d.client_no_context_takeover {
                text.push_str("; client_no_context_takeover");
            }
            if let Some(bits) = d.server_max_window_bits {
                text.push_str(&format!("; server_max_window_bits={bits}"));
            }
            match d.client_max_window_bits {
                None => {}
                Some(None) => text.push_str("; client_max_window_bits"),
                Some(Some(bits)) => text.push_str(&format!("; client_max_window_bits={bits}")),
            }
            text.push_str(&crate::render::repeated_text(
                d.repeated_param,
                Quoting::Token,
            ));
            if d.unknown_param {
                text.push_str("; mystery");
            }
            text
        }
    }
}

/// RFC 7692 §7.1.1-§7.1.2: whether a response's parameters accept this offer.
/// - server_no_context_takeover offered: the response must include it (§7.1.1.1);
/// - server_max_window_bits=N offered: the response must include it, at most N (§7.1.2.1);
/// - client_max_window_bits in the response only if offered, at most the offered value,
///   and always with a value 8-15 (§7.1.2.2); server_max_window_bits 8-15 (§7.1.2.1);
/// - no unknown or repeated parameter (§7.1).
fn answers(answer: &DeflateAnswerModel, offer: &DeflateOfferModel) -> bool {
    if answer.unknown_param || answer.repeated_param.any() {
        return false;
    }
    let server_bits_ok = match (offer.server_max_window_bits, answer.server_max_window_bits) {
        (_, Some(given)) if !in_range(given) => false,
        (Some(asked), Some(given)) => given <= asked,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let client_bits_ok = match (offer.client_max_window_bits, answer.client_max_window_bits) {
        (_, None) => true,
        (_, Some(None)) => false,
        (_, Some(Some(given))) if !in_range(given) => false,
        (None, Some(_)) => false,
        (Some(None), Some(_)) => true,
        (Some(Some(asked)), Some(Some(given))) => given <= asked,
    };
    (!offer.server_no_context_takeover || answer.server_no_context_takeover)
        && server_bits_ok
        && client_bits_ok
}

/// The most accepted extensions the crate records (its documented bound).
pub const MAX_ACCEPTED_EXTENSIONS: usize = 4;

/// What the client must do with the case's response: `Ok(())` establish, or the failure's
/// snake_case name, in the order the crate documents its checks.
pub fn expected(case: &ClientCase) -> Result<(), &'static str> {
    // RFC 6585 §5 / RFC 9110 §5.4: a head past the client's documented 8 KiB bound is
    // refused before anything in it is read (found by the handshake_structured campaign).
    if case.response().len() > crate::reference::MAX_HEAD {
        return Err("malformed_head");
    }
    if case.http10 {
        return Err("not_http_1_1");
    }
    if pick(&STATUSES, case.status) != 101 {
        return Err("not_switching");
    }
    if !pick(&UPGRADES, case.upgrade).1 {
        return Err("upgrade_not_websocket");
    }
    if !pick(&CONNECTIONS, case.connection).1 {
        return Err("connection_not_upgrade");
    }
    match case.accept {
        AcceptField::Valid => {}
        AcceptField::Missing => return Err("missing_accept"),
        AcceptField::Twice => return Err("duplicate_accept"),
        AcceptField::OneCharOff(_) | AcceptField::Unpadded | AcceptField::KeyEchoed => {
            return Err("accept_mismatch")
        }
    }
    // RFC 6455 §4.1 item 6: at most one subprotocol, one the client offered.
    let offered = case.offered();
    let subprotocol_ok = match &case.subprotocol {
        SubprotocolAnswer::None => true,
        SubprotocolAnswer::Offered(_) => !offered.is_empty(),
        SubprotocolAnswer::Pool(i) => offered.contains(&pick(&SUBPROTOCOLS, *i)),
        SubprotocolAnswer::Two(..) => false,
    };
    if !subprotocol_ok {
        return Err("unexpected_subprotocol");
    }
    // RFC 6455 §4.1 item 5 and §9.1: each accepted extension was offered, once.
    let offered_names: Vec<&str> = case
        .offered_extensions
        .iter()
        .filter_map(|offer| match offer {
            ExtensionOffer::Deflate(_) => Some("permessage-deflate"),
            ExtensionOffer::Other(i) => {
                let (text, valid) = pick(&OTHER_EXTENSIONS, *i);
                valid.then(|| text.split(';').next().unwrap_or(text).trim())
            }
        })
        .collect();
    let deflate_offers: Vec<&DeflateOfferModel> = case
        .offered_extensions
        .iter()
        .filter_map(|offer| match offer {
            ExtensionOffer::Deflate(d) if valid_offer(d) => Some(d),
            _ => None,
        })
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for (index, answer) in case.extensions.iter().enumerate() {
        let answer = &case.resolve(answer);
        let name = match answer {
            ExtensionAnswer::Deflate(_) | ExtensionAnswer::NearMiss { .. } => "permessage-deflate",
            ExtensionAnswer::Other(i) => {
                let (text, valid) = pick(&OTHER_EXTENSIONS, *i);
                if !valid {
                    return Err("malformed_extensions");
                }
                text.split(';').next().unwrap_or(text).trim()
            }
        };
        if seen.contains(&name) || !offered_names.contains(&name) {
            return Err("unexpected_extension");
        }
        if let ExtensionAnswer::Deflate(d) = answer {
            if !deflate_offers.iter().any(|offer| answers(d, offer)) {
                return Err("invalid_deflate_params");
            }
        }
        if index >= MAX_ACCEPTED_EXTENSIONS {
            return Err("unexpected_extension");
        }
        seen.push(name);
    }
    Ok(())
}

/// Runs the crate's client on the case's response and compares with [`expected`].
pub fn check(case: &ClientCase) {
    let offered = case.offered();
    let (offer_text, valid_text) = (case.offer_text(), case.valid_offer_text());
    let key = http_upgrade::Key::parse(case.key_text().as_bytes()).expect("a valid key");
    // RFC 6455 §9.1: an offer with an element outside the grammar, or with more elements
    // than the documented bound, is refused as written; the client then offers its valid
    // elements alone, which is what the reference's "not offered" models.
    let parsed = http_upgrade::ExtensionOffers::parse(offer_text.as_bytes());
    let counted = |text: &str| crate::rfc::extension_offer_count(text.as_bytes());
    let max = http_upgrade::MAX_OFFERED_EXTENSIONS;
    assert_eq!(
        parsed.is_some(),
        counted(&offer_text).is_some_and(|count| count <= max),
        "{offer_text:?}"
    );
    let extensions = match (parsed, counted(&valid_text)) {
        (Some(parsed), _) => parsed,
        (None, None) => http_upgrade::ExtensionOffers::NONE,
        (None, Some(count)) if count <= max => {
            http_upgrade::ExtensionOffers::parse(valid_text.as_bytes()).expect("valid elements")
        }
        // More valid offers than a client keeps: nothing to judge.
        (None, Some(_)) => return,
    };
    let expectation = http_upgrade::Expectation {
        key,
        subprotocols: &offered,
        extensions,
        limits: http_upgrade::Limits::DEFAULT,
    };
    let response = case.response();
    let got = match crate::oracles::client_one_pass::agrees(&expectation, &response) {
        Ok(http_upgrade::Status::Complete(established)) => {
            assert_eq!(established.consumed, response.len());
            Ok(())
        }
        Ok(http_upgrade::Status::Partial) => panic!("a complete head is never partial"),
        Err(error) => Err(error.name()),
    };
    assert_eq!(
        got,
        expected(case),
        "response: {:?}\noffers: {:?} / {:?}",
        String::from_utf8_lossy(&response),
        offered,
        offer_text
    );
}
