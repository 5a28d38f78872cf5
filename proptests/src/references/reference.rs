//! The reference model: what a server must do with a model's request, written from the
//! RFCs without calling the core crate (RFC 9110 §7.8, RFC 9112 §3.2, RFC 6455 §4.2,
//! RFC 7692 §7). Its SHA-1 and base64 are [`crate::rfc`]'s.

use crate::model::*;
use crate::rfc::accept;

/// The permessage-deflate parameters a server answers with (RFC 7692 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateAnswer {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    pub client_max_window_bits: Option<u8>,
}

/// How the body after the head is framed (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyAnswer {
    None,
    Length(u64),
    Chunked,
}

/// What the server must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// 101 to `websocket`, after a 100 when `expect_continue`.
    WebSocket {
        accept: String,
        subprotocol: Option<&'static str>,
        deflate: Option<DeflateAnswer>,
        expect_continue: bool,
    },
    /// 101 to another protocol, named as the client wrote it, after a 100 when
    /// `expect_continue`; the body, if allowed, comes first.
    Other {
        protocol: String,
        body: BodyAnswer,
        expect_continue: bool,
    },
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

/// A window-bits value RFC 7692 §7.1.2 allows: 8 to 15.
pub fn in_range(bits: u8) -> bool {
    (8..=15).contains(&bits)
}

/// RFC 7692 §7.1: an offer with an unknown or repeated parameter, or a window outside
/// 8..=15, is declined.
pub fn valid_offer(offer: &DeflateOfferModel) -> bool {
    !offer.unknown_param
        && !offer.repeated_param.any()
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

/// RFC 9110 §8.6: `Content-Length = 1*DIGIT`; a list or repeated field is taken only when
/// every member is the same; `None` when invalid.
fn content_length(values: &[String]) -> Option<u64> {
    let members: Vec<&str> = values
        .iter()
        .flat_map(|value| value.split(','))
        .map(|member| member.trim_matches([' ', '\t']))
        .filter(|member| !member.is_empty())
        .collect();
    let first = *members.first()?;
    if members.iter().any(|member| *member != first) {
        return None;
    }
    if !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    first.parse::<u64>().ok()
}

/// RFC 9112 §6.1-§6.3, RFC 9110 §8.6: how the body is framed, or the rejection.
fn framing(model: &Handshake) -> Result<BodyAnswer, Expected> {
    let reject = |(name, status)| Err(Expected::Reject(name, status));
    let chunked = matches!(model.framing, Framing::TransferEncoding(_) | Framing::Both);
    if chunked && model.http10 {
        return reject(("transfer_encoding_in_http_1_0", 400));
    }
    match model.framing {
        Framing::None => Ok(BodyAnswer::None),
        Framing::Both => reject(("conflicting_framing", 400)),
        Framing::TransferEncoding(index) => match pick(&TRANSFER_ENCODINGS, index).1 {
            Ok(()) => Ok(BodyAnswer::Chunked),
            Err(rejection) => reject(rejection),
        },
        _ => {
            let values: Vec<String> = crate::render::framing_fields(&model.framing)
                .into_iter()
                .map(|(_, value)| value)
                .collect();
            match content_length(&values) {
                Some(length) => Ok(BodyAnswer::Length(length)),
                None => reject(("invalid_content_length", 400)),
            }
        }
    }
}

/// RFC 6454 §5-§6.2 / RFC 6455 §10.2: whether the policy takes the model's Origin, for a
/// request whose effective authority is `authority` (host lowercased, port as written).
fn origin_allowed(
    origin: Option<u8>,
    policy: &Policy,
    authority: (&str, Option<&str>),
) -> Result<(), Expected> {
    let Some(index) = origin else {
        return if policy.require_origin {
            Err(Expected::Reject("missing_origin", 403))
        } else {
            Ok(())
        };
    };
    let (text, parts) = pick(&ORIGINS, index);
    let allowed = match &policy.origins {
        OriginRule::Any => true,
        OriginRule::AllowList(list) => list.iter().any(|&i| {
            let (entry_text, entry_parts) = pick(&ALLOWED_ORIGINS, i);
            match (parts, entry_parts) {
                (Some((scheme, host, port)), Some((entry_scheme, entry_host, entry_port))) => {
                    let (wildcard, entry_host) = match entry_host.strip_prefix("*.") {
                        Some(domain) => (true, domain),
                        None => (false, entry_host),
                    };
                    scheme == entry_scheme
                        && port == entry_port
                        && host_named(wildcard, entry_host, host)
                }
                (None, None) => text == "null" && entry_text == "null",
                _ => false,
            }
        }),
        OriginRule::SameHost => parts.is_some_and(|(_, host, port)| (host, port) == authority),
    };
    if allowed {
        Ok(())
    } else {
        Err(Expected::Reject("origin_not_allowed", 403))
    }
}

/// The README's host-pattern rule, on a lowercased `host` and an entry's lowercased
/// `domain`: one trailing dot aside on either (RFC 1034 §3.1: the same name); an exact
/// entry is that name; a wildcard one is one or more non-empty labels of letters, digits,
/// `-` and `_`, a dot, then the name; an IP address is no subdomain.
pub fn host_named(wildcard: bool, domain: &str, host: &str) -> bool {
    let is_ip = |name: &str| {
        name.starts_with('[')
            || (name.split('.').count() == 4
                && name.split('.').all(|part| part.parse::<u8>().is_ok()))
    };
    let strip = |name: &str| -> String {
        match name.strip_suffix('.') {
            Some(rest) if !rest.is_empty() && !is_ip(rest) => rest.to_string(),
            _ => name.to_string(),
        }
    };
    let (domain, host) = (strip(domain), strip(host));
    if !wildcard {
        return domain == host;
    }
    if is_ip(&host) {
        return false;
    }
    let Some(labels) = host.strip_suffix(&format!(".{domain}")) else {
        return false;
    };
    labels.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// RFC 9110 §7.4, §15.5.20 and the README's host rule: whether the policy answers for an
/// authority (host lowercased, port as written); 421 when it does not.
fn host_allowed(policy: &Policy, (host, port): (&str, Option<&str>)) -> Result<(), Expected> {
    let HostRule::AllowList(index) = policy.hosts else {
        return Ok(());
    };
    let allowed = pick(&HOST_LISTS, index).iter().any(|entry| {
        let label = ALLOWED_HOSTS
            .iter()
            .find(|(text, _)| text == entry)
            .expect("every listed entry is labelled")
            .1;
        label.is_some_and(|(wildcard, domain, entry_port)| {
            host_named(wildcard, domain, host) && entry_port.is_none_or(|p| Some(p) == port)
        })
    });
    if allowed {
        Ok(())
    } else {
        Err(Expected::Reject("host_not_allowed", 421))
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
    // RFC 9112 §6: framing is judged before the upgrade decision.
    let body = match framing(model) {
        Ok(body) => body,
        Err(rejection) => return rejection,
    };
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
    // RFC 9112 §3.2, RFC 3986, RFC 6455 §3: the target's form and bytes.
    if !crate::rfc::request_target_ok(pick(&PATHS, model.path).0) {
        return Expected::Reject("invalid_target", 400);
    }
    // RFC 9112 §3.2.2: an absolute-form target needs a valid authority, which then wins.
    let target_authority = match pick(&PATHS, model.path).1 {
        None => None,
        Some(None) => return Expected::Reject("invalid_target", 400),
        Some(Some(authority)) => Some(authority),
    };
    // RFC 9112 §3.2: exactly one Host, with a valid value.
    match model.host_presence {
        Presence::Missing => return Expected::Reject("missing_host", 400),
        Presence::Twice => return Expected::Reject("duplicate_host", 400),
        Presence::Once => {}
    }
    let Some(host_authority) = pick(&HOSTS, model.host).1 else {
        return Expected::Reject("invalid_host", 400);
    };
    // The Host field, and an absolute-form target's authority too, must be hosts the
    // server answers for.
    for authority in std::iter::once(host_authority).chain(target_authority) {
        if let Err(rejection) = host_allowed(policy, authority) {
            return rejection;
        }
    }
    let authority = target_authority.unwrap_or(host_authority);
    // RFC 9110 §10.1.1: 100-continue is the only expectation.
    let expect_continue = match model.expect.map(|i| pick(&EXPECTS, i).1) {
        None => false,
        Some(Some(continues)) => continues,
        Some(None) => return Expected::Reject("expectation_failed", 417),
    };
    // RFC 6455 §4.2.1 leaves a GET no body; other protocols take one only when allowed.
    let is_websocket = pick(&PROTOCOL_NAMES, chosen.name).eq_ignore_ascii_case("websocket");
    let has_body =
        matches!(body, BodyAnswer::Chunked) || matches!(body, BodyAnswer::Length(n) if n > 0);
    if has_body && (is_websocket || !policy.allow_body) {
        return Expected::Reject("request_body", 400);
    }
    // RFC 7540 §3.2, §3.2.1: h2c is cleartext only, with exactly one HTTP2-Settings that
    // Connection names and that decodes to a SETTINGS payload in range.
    if pick(&PROTOCOL_NAMES, chosen.name).eq_ignore_ascii_case("h2c") {
        if pick(&PATHS, model.path).0.starts_with("https:") {
            return Expected::Reject("h2c_over_tls", 400);
        }
        let named = model
            .connection
            .iter()
            .any(|&i| pick(&CONNECTION_OPTIONS, i).eq_ignore_ascii_case("http2-settings"));
        match model.http2_settings.as_slice() {
            [one] if named => {
                if !pick(&HTTP2_SETTINGS, *one).1 {
                    return Expected::Reject("invalid_http2_settings", 400);
                }
            }
            _ => return Expected::Reject("missing_http2_settings", 400),
        }
    }
    if !is_websocket {
        return Expected::Other {
            protocol: crate::render::protocol_text(chosen),
            body,
            expect_continue,
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
    if let Err(rejection) = origin_allowed(model.origin, policy, authority) {
        return rejection;
    }
    if model.subprotocols.len() > MAX_LIST_ELEMENTS {
        return too_many;
    }
    // RFC 6455 §9.1: an offer that breaks the grammar fails the field, in list order.
    let malformed = model.extensions.iter().position(
        |offer| matches!(offer, ExtensionOffer::Other(i) if !pick(&OTHER_EXTENSIONS, *i).1),
    );
    match malformed {
        Some(index) if index < MAX_LIST_ELEMENTS => {
            return Expected::Reject("malformed_extensions", 400)
        }
        _ if model.extensions.len() > MAX_LIST_ELEMENTS => return too_many,
        _ => {}
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
        expect_continue,
    }
}
