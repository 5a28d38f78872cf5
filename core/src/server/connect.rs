//! WebSocket over HTTP/2 and HTTP/3: the extended CONNECT of RFC 8441 §4-§5 and RFC 9220 §3,
//! negotiated by the same [`ServerPolicy`] as an HTTP/1.1 Upgrade.
//!
//! The caller's h2/h3 library decodes the request's field section; this module takes it as
//! borrowed name/value pairs, pseudo-header fields first (`:method`, `:protocol`, `:scheme`,
//! `:path`, `:authority`), and answers a status and the response fields to send back. There
//! is no key and no accept over these transports (RFC 8441 §5).

use crate::error::{BufferTooSmall, DeclineReason, RejectReason};
use crate::grammar::uri::Authority;
use crate::http1::fields::KnownFields;
use crate::http1::head::Header;
use crate::http1::write::HeadWriter;
use crate::server::websocket::check_version;
use crate::server::{ServerPolicy, Verdict};
use crate::upgrade::ProtocolOffer;
use crate::websocket::deflate::DeflateParams;

/// The pseudo-header fields of a request (RFC 9113 §8.3.1, RFC 8441 §4), each at most once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PseudoHeaders<'b> {
    /// `:method`.
    pub method: Option<&'b [u8]>,
    /// `:protocol` (RFC 8441 §4), only on an extended CONNECT.
    pub protocol: Option<&'b [u8]>,
    /// `:scheme`.
    pub scheme: Option<&'b [u8]>,
    /// `:path`.
    pub path: Option<&'b [u8]>,
    /// `:authority`.
    pub authority: Option<&'b [u8]>,
}

/// Fields that make an HTTP/2 or HTTP/3 message malformed (RFC 9113 §8.2.2, RFC 9114
/// §4.2): they are about one HTTP/1.1 connection.
const CONNECTION_SPECIFIC: [&str; 5] = [
    "connection",
    "upgrade",
    "keep-alive",
    "transfer-encoding",
    "proxy-connection",
];

impl<'b> PseudoHeaders<'b> {
    /// Reads the pseudo-header fields at the start of `fields` and checks the whole
    /// section's form: pseudo-headers only first, each known and once (RFC 9113 §8.3);
    /// field names lowercase tokens, values free of control bytes and of surrounding
    /// whitespace (RFC 9113 §8.2.1, RFC 9110 §5.5); no connection-specific field and `te` only
    /// as `trailers` (RFC 9113 §8.2.2). Returns them and the regular fields.
    pub fn split<'h>(
        fields: &'h [Header<'b>],
    ) -> Result<(PseudoHeaders<'b>, &'h [Header<'b>]), RejectReason> {
        let mut pseudo = PseudoHeaders::default();
        let regular_start = fields
            .iter()
            .position(|field| !field.name.starts_with(':'))
            .unwrap_or(fields.len());
        let (pseudo_fields, regular) = fields.split_at(regular_start);
        if !fields.iter().all(|field| value_ok(field.value)) {
            return Err(RejectReason::InvalidFieldValue);
        }
        for field in pseudo_fields {
            let slot = match field.name {
                ":method" => &mut pseudo.method,
                ":protocol" => &mut pseudo.protocol,
                ":scheme" => &mut pseudo.scheme,
                ":path" => &mut pseudo.path,
                ":authority" => &mut pseudo.authority,
                _ => return Err(RejectReason::InvalidPseudoHeaders),
            };
            if slot.replace(field.value).is_some() {
                return Err(RejectReason::InvalidPseudoHeaders);
            }
        }
        for field in regular {
            if field.name.starts_with(':') {
                return Err(RejectReason::InvalidPseudoHeaders);
            }
            let name_ok = !field.name.is_empty()
                && field
                    .name
                    .bytes()
                    .all(|b| crate::grammar::chars::is_tchar(b) && !b.is_ascii_uppercase());
            if !name_ok {
                return Err(RejectReason::InvalidFieldName);
            }
            let connection_specific = CONNECTION_SPECIFIC.contains(&field.name)
                || (field.name == "te"
                    && crate::grammar::list::trim_ows(field.value) != b"trailers");
            if connection_specific {
                return Err(RejectReason::ConnectionSpecificField);
            }
        }
        Ok((pseudo, regular))
    }
}

/// A field value as RFC 9113 §8.2.1 and RFC 9110 §5.5 allow it: no NUL, CR or LF (nor any
/// other control byte but HTAB, nor DEL, as over HTTP/1.1), and no SP or HTAB at either end.
fn value_ok(value: &[u8]) -> bool {
    let blank = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t'));
    !blank(value.first())
        && !blank(value.last())
        && value
            .iter()
            .all(|&b| b == b'\t' || (b >= b' ' && b != 0x7f))
}

/// What the server does with an HTTP/2 or HTTP/3 request (RFC 8441 §4-§5, RFC 9220 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectOutcome<'b> {
    /// Answer 200 and carry the protocol on the stream (RFC 8441 §5, RFC 9220 §3).
    Accept(ConnectAccepted<'b>),
    /// Not an extended CONNECT this server takes: serve the request normally.
    Decline(DeclineReason),
    /// Answer the reason's status and reset or close the stream.
    Reject(RejectReason),
}

/// An extended CONNECT the server agreed to (RFC 8441 §4, RFC 9220 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectAccepted<'b> {
    /// The `:protocol` as sent, matched against the policy's protocols.
    pub protocol: ProtocolOffer<'b>,
    /// `:scheme`.
    pub scheme: &'b [u8],
    /// `:path`.
    pub path: &'b [u8],
    /// `:authority`, checked as `uri-host [ ":" port ]`.
    pub authority: Authority<'b>,
    /// The WebSocket choices, when `:protocol` is `websocket`.
    pub websocket: Option<ConnectWebSocket<'b>>,
}

/// The WebSocket choices of an extended CONNECT: those of an HTTP/1.1 handshake without the
/// key and accept (RFC 8441 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectWebSocket<'b> {
    /// The chosen subprotocol, as the client wrote it.
    pub subprotocol: Option<&'b str>,
    /// The accepted permessage-deflate parameters.
    pub deflate: Option<DeflateParams>,
    /// The `origin` field.
    pub origin: Option<&'b [u8]>,
}

/// The status and fields to send back (RFC 8441 §5), for the caller's h2/h3 library; values borrow the
/// buffer given to [`ServerPolicy::connect_response`] or the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectResponse<'o> {
    /// 200 on success, else the rejection's status.
    pub status: u16,
    fields: [(&'static str, &'o [u8]); 2],
    len: usize,
}

impl<'o> ConnectResponse<'o> {
    /// The response fields, lowercase names (RFC 9113 §8.2.1).
    pub fn fields(&self) -> &[(&'static str, &'o [u8])] {
        self.fields.get(..self.len).unwrap_or_default()
    }
}

impl<'p> ServerPolicy<'p> {
    /// Negotiates an HTTP/2 or HTTP/3 request given as its field section, pseudo-header
    /// fields first (RFC 9113 §8.3; RFC 8441 §4-§5; RFC 9220 §3). A request without
    /// `:protocol` is not an extended CONNECT and is declined; with it, the same rules as an
    /// HTTP/1.1 Upgrade decide: the protocol list, the WebSocket version, Origin,
    /// subprotocols and permessage-deflate. `require_upgrade` turns a decline into 426.
    ///
    /// ```
    /// use http_upgrade::ConnectOutcome;
    /// use http_upgrade::{Header, ServerPolicy};
    ///
    /// let fields = [
    ///     Header { name: ":method", value: b"CONNECT" },
    ///     Header { name: ":protocol", value: b"websocket" },
    ///     Header { name: ":scheme", value: b"https" },
    ///     Header { name: ":path", value: b"/chat" },
    ///     Header { name: ":authority", value: b"example.com" },
    ///     Header { name: "sec-websocket-version", value: b"13" },
    ///     Header { name: "sec-websocket-protocol", value: b"chat, superchat" },
    ///     Header { name: "origin", value: b"https://example.com" },
    /// ];
    /// let policy = ServerPolicy { subprotocols: &["chat"], ..ServerPolicy::websocket() };
    /// let outcome = policy.negotiate_connect(&fields);
    /// let mut buf = [0u8; 128];
    /// let response = policy.connect_response(&outcome, &mut buf).unwrap();
    /// assert_eq!(response.status, 200);
    /// assert_eq!(response.fields(), &[("sec-websocket-protocol", &b"chat"[..])]);
    /// assert!(matches!(outcome, ConnectOutcome::Accept(_)));
    /// ```
    pub fn negotiate_connect<'b>(&self, fields: &[Header<'b>]) -> ConnectOutcome<'b> {
        match self
            .try_connect(fields)
            .map_err(|verdict| self.settle(verdict))
        {
            Ok(accepted) => ConnectOutcome::Accept(accepted),
            Err(Ok(reason)) => ConnectOutcome::Decline(reason),
            Err(Err(reason)) => ConnectOutcome::Reject(reason),
        }
    }

    fn try_connect<'b>(&self, fields: &[Header<'b>]) -> Result<ConnectAccepted<'b>, Verdict> {
        let (pseudo, regular) = PseudoHeaders::split(fields)?;
        let Some(protocol) = pseudo.protocol else {
            return Err(Verdict::Decline(DeclineReason::NoUpgrade));
        };
        // RFC 8441 §4: :protocol only on CONNECT, with :scheme and :path; :authority is
        // required of every CONNECT (RFC 9113 §8.5).
        let (Some(b"CONNECT"), Some(scheme), Some(path), Some(authority)) =
            (pseudo.method, pseudo.scheme, pseudo.path, pseudo.authority)
        else {
            return Err(Verdict::Reject(RejectReason::InvalidPseudoHeaders));
        };
        // RFC 9113 §8.3.1: :path is not empty; here origin-form, as a WebSocket URI gives,
        // held to the rule of an HTTP/1.1 request-target (visible ASCII, no fragment).
        if path.first() != Some(&b'/') || !crate::grammar::uri::request_target_ok(path) {
            return Err(Verdict::Reject(RejectReason::InvalidTarget));
        }
        let protocol = ProtocolOffer::parse(protocol).ok_or(RejectReason::MalformedUpgrade)?;
        // HTTP/2 inside an HTTP/2 (or HTTP/3) stream is a second connection the proxy in
        // front never sees into: refused whatever the policy lists (RFC 9113 §3.1).
        if [crate::h2c::PROTOCOL, "h2"]
            .iter()
            .any(|name| protocol.name.eq_ignore_ascii_case(name))
        {
            return Err(Verdict::Reject(RejectReason::Http2OverConnect));
        }
        if !self.protocols.iter().any(|entry| protocol.matches(entry)) {
            return Err(Verdict::Decline(DeclineReason::UnsupportedProtocol));
        }
        let authority = self.host(authority)?;
        let known = KnownFields::index(crate::http1::fields::Fields::new(regular));
        // RFC 9110 §9.3.6: a CONNECT request has no content; the stream's data after the 200
        // is the tunnel's, so a length field is refused, 0 included, rather than read two ways.
        if known.contains(crate::http1::fields::Known::ContentLength) {
            return Err(Verdict::Reject(RejectReason::RequestBody));
        }
        // RFC 9113 §8.3.1: a Host that names another entity than :authority is malformed.
        match known.singleton(crate::http1::fields::Known::Host) {
            crate::http1::fields::Singleton::Missing => {}
            crate::http1::fields::Singleton::One(host)
                if Authority::parse(host).is_some_and(|host| host.same_as(&authority)) => {}
            _ => return Err(Verdict::Reject(RejectReason::InvalidHost)),
        }
        let websocket = if super::rules::is_websocket(&protocol) {
            check_version(&known)?;
            let choice = self.choose_websocket(&known, &authority)?;
            Some(ConnectWebSocket {
                subprotocol: choice.subprotocol,
                deflate: choice.deflate,
                origin: choice.origin,
            })
        } else {
            None
        };
        Ok(ConnectAccepted {
            protocol,
            scheme,
            path,
            authority,
            websocket,
        })
    }

    /// The status and fields answering an extended CONNECT: 200 with the chosen
    /// `sec-websocket-protocol` and `sec-websocket-extensions`, or the rejection's status
    /// with `sec-websocket-version: 13` for a version problem (RFC 6455 §4.2.2, RFC 8441 §5).
    /// The extension value is written into `buf`. A decline has no response of ours: status 0.
    pub fn connect_response<'o>(
        &self,
        outcome: &ConnectOutcome<'o>,
        buf: &'o mut [u8],
    ) -> Result<ConnectResponse<'o>, BufferTooSmall> {
        let mut response = ConnectResponse {
            status: 0,
            fields: [("", &[]); 2],
            len: 0,
        };
        let mut push = |name: &'static str, value: &'o [u8]| {
            if let Some(slot) = response.fields.get_mut(response.len) {
                *slot = (name, value);
                response.len += 1;
            }
        };
        match outcome {
            ConnectOutcome::Decline(_) => {}
            ConnectOutcome::Reject(reason) => {
                if reason.advertises_websocket_version() {
                    push("sec-websocket-version", crate::websocket::VERSION);
                }
                response.status = reason.status();
            }
            ConnectOutcome::Accept(accepted) => {
                response.status = 200;
                if let Some(websocket) = &accepted.websocket {
                    if let Some(subprotocol) = websocket.subprotocol {
                        push("sec-websocket-protocol", subprotocol.as_bytes());
                    }
                    if let Some(deflate) = &websocket.deflate {
                        let mut out = HeadWriter::new(&mut *buf);
                        deflate.write(&mut out);
                        let len = out.finish()?;
                        let written: &'o [u8] = buf;
                        push(
                            "sec-websocket-extensions",
                            written.get(..len).unwrap_or_default(),
                        );
                    }
                }
            }
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::websocket::deflate::DeflatePolicy;

    fn request<'a>(extra: &'a [Header<'a>]) -> std::vec::Vec<Header<'a>> {
        let mut fields = std::vec![
            Header {
                name: ":method",
                value: b"CONNECT",
            },
            Header {
                name: ":protocol",
                value: b"websocket",
            },
            Header {
                name: ":scheme",
                value: b"https",
            },
            Header {
                name: ":path",
                value: b"/chat",
            },
            Header {
                name: ":authority",
                value: b"example.com:8443",
            },
            Header {
                name: "sec-websocket-version",
                value: b"13",
            },
        ];
        fields.extend_from_slice(extra);
        fields
    }

    fn field<'a>(name: &'a str, value: &'a [u8]) -> Header<'a> {
        Header { name, value }
    }

    #[test]
    fn accepts_with_subprotocol_and_deflate() {
        let policy = ServerPolicy {
            subprotocols: &["chat"],
            deflate: Some(DeflatePolicy::default()),
            ..ServerPolicy::websocket()
        };
        let extra = [
            field("sec-websocket-protocol", b"superchat, chat"),
            field(
                "sec-websocket-extensions",
                b"permessage-deflate; client_max_window_bits",
            ),
        ];
        let fields = request(&extra);
        let outcome = policy.negotiate_connect(&fields);
        let ConnectOutcome::Accept(accepted) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(accepted.authority.text, b"example.com:8443");
        let mut buf = [0u8; 64];
        let response = policy.connect_response(&outcome, &mut buf).expect("fits");
        assert_eq!(response.status, 200);
        assert_eq!(
            response.fields(),
            &[
                ("sec-websocket-protocol", &b"chat"[..]),
                ("sec-websocket-extensions", &b"permessage-deflate"[..])
            ]
        );
        let mut small = [0u8; 4];
        assert_eq!(
            policy.connect_response(&outcome, &mut small),
            Err(BufferTooSmall { needed: 18 })
        );
    }

    #[test]
    fn no_protocol_is_declined_and_required_is_426() {
        let fields = [
            field(":method", b"GET"),
            field(":scheme", b"https"),
            field(":path", b"/"),
            field(":authority", b"h"),
        ];
        let policy = ServerPolicy::websocket();
        assert_eq!(
            policy.negotiate_connect(&fields),
            ConnectOutcome::Decline(DeclineReason::NoUpgrade)
        );
        let required = ServerPolicy {
            require_upgrade: true,
            ..policy
        };
        assert_eq!(
            required.negotiate_connect(&fields),
            ConnectOutcome::Reject(RejectReason::UpgradeRequired)
        );
    }

    #[test]
    fn malformed_requests() {
        let policy = ServerPolicy::websocket();
        let reject = |fields: &[Header<'_>]| match policy.negotiate_connect(fields) {
            ConnectOutcome::Reject(reason) => Some(reason),
            _ => None,
        };
        let mut get = request(&[]);
        get[0].value = b"GET";
        assert_eq!(reject(&get), Some(RejectReason::InvalidPseudoHeaders));
        let no_path: std::vec::Vec<Header<'_>> = request(&[])
            .into_iter()
            .filter(|f| f.name != ":path")
            .collect();
        assert_eq!(reject(&no_path), Some(RejectReason::InvalidPseudoHeaders));
        let twice = request(&[]);
        let mut twice = [&twice[..1], &twice[..]].concat();
        twice.swap(0, 1);
        assert_eq!(reject(&twice), Some(RejectReason::InvalidPseudoHeaders));
        let method_late = [field(":method", b"CONNECT")];
        let mut late = request(&method_late);
        late.remove(0);
        assert_eq!(reject(&late), Some(RejectReason::InvalidPseudoHeaders));
        let unknown = request(&[]);
        let unknown = [&[field(":status", b"200")][..], &unknown[..]].concat();
        assert_eq!(reject(&unknown), Some(RejectReason::InvalidPseudoHeaders));
        for name in [
            "connection",
            "upgrade",
            "keep-alive",
            "transfer-encoding",
            "proxy-connection",
        ] {
            let fields = request(&[]);
            let fields = [&fields[..], &[field(name, b"x")][..]].concat();
            assert_eq!(
                reject(&fields),
                Some(RejectReason::ConnectionSpecificField),
                "{name}"
            );
        }
        assert_eq!(
            reject(&request(&[field("te", b"gzip")])),
            Some(RejectReason::ConnectionSpecificField)
        );
        assert!(matches!(
            policy.negotiate_connect(&request(&[field("te", b"trailers")])),
            ConnectOutcome::Accept(_)
        ));
        assert_eq!(
            reject(&request(&[field("Origin", b"x")])),
            Some(RejectReason::InvalidFieldName)
        );
        // RFC 9113 §8.2.1: NUL, CR, LF anywhere, SP/HTAB at either end; inside is fine.
        for value in [
            &b"a\0b"[..],
            b"a\x01b",
            b"a\x7fb",
            b"a\rb",
            b"a\nb",
            b" chat",
            b"chat ",
            b"\tchat",
            b"chat\t",
        ] {
            assert_eq!(
                reject(&request(&[field("sec-websocket-protocol", value)])),
                Some(RejectReason::InvalidFieldValue),
                "{value:?}"
            );
            let mut pseudo = request(&[]);
            pseudo[3].value = value;
            assert_eq!(
                reject(&pseudo),
                Some(RejectReason::InvalidFieldValue),
                "{value:?}"
            );
        }
        assert!(matches!(
            policy.negotiate_connect(&request(&[
                field("x-empty", b""),
                field("x-inner", b"a \t b\x80")
            ])),
            ConnectOutcome::Accept(_)
        ));
        for path in [&b"chat"[..], b"/a b", b"/a\tb", b"/\xc3\xa9", b""] {
            let mut bad_path = request(&[]);
            bad_path[3].value = path;
            assert_eq!(
                reject(&bad_path),
                Some(RejectReason::InvalidTarget),
                "{path:?}"
            );
        }
        let mut bad_authority = request(&[]);
        bad_authority[4].value = b"user@h";
        assert_eq!(reject(&bad_authority), Some(RejectReason::InvalidHost));
        assert_eq!(
            reject(&request(&[field("host", b"other.example")])),
            Some(RejectReason::InvalidHost)
        );
        assert!(matches!(
            policy.negotiate_connect(&request(&[field("host", b"EXAMPLE.com:8443")])),
            ConnectOutcome::Accept(_)
        ));
    }

    #[test]
    fn version_and_protocol() {
        let policy = ServerPolicy::websocket();
        let mut v8 = request(&[]);
        v8[5].value = b"8";
        let outcome = policy.negotiate_connect(&v8);
        assert_eq!(
            outcome,
            ConnectOutcome::Reject(RejectReason::UnsupportedVersion)
        );
        let mut buf = [0u8; 8];
        let response = policy.connect_response(&outcome, &mut buf).expect("fits");
        assert_eq!(
            (response.status, response.fields()),
            (426, &[("sec-websocket-version", &b"13"[..])][..])
        );
        let mut other = request(&[]);
        other[1].value = b"connect-udp";
        assert_eq!(
            policy.negotiate_connect(&other),
            ConnectOutcome::Decline(DeclineReason::UnsupportedProtocol)
        );
        let udp = ServerPolicy {
            protocols: &["connect-udp"],
            ..policy
        };
        let ConnectOutcome::Accept(accepted) = udp.negotiate_connect(&other) else {
            panic!("accept")
        };
        assert_eq!(
            (accepted.protocol.text, accepted.websocket),
            ("connect-udp", None)
        );
        let mut bad = request(&[]);
        bad[1].value = b"web socket";
        assert_eq!(
            policy.negotiate_connect(&bad),
            ConnectOutcome::Reject(RejectReason::MalformedUpgrade)
        );
    }

    #[test]
    fn http2_inside_connect_is_refused_whatever_the_policy() {
        let listed = ServerPolicy {
            protocols: &["websocket", "h2c", "h2", "H2C/1"],
            ..ServerPolicy::websocket()
        };
        for policy in [ServerPolicy::websocket(), listed] {
            for protocol in [&b"h2c"[..], b"H2C", b"h2", b"h2c/1"] {
                for scheme in [&b"https"[..], b"http"] {
                    let mut fields = request(&[]);
                    fields[1].value = protocol;
                    fields[2].value = scheme;
                    assert_eq!(
                        policy.negotiate_connect(&fields),
                        ConnectOutcome::Reject(RejectReason::Http2OverConnect),
                        "{protocol:?} {scheme:?}"
                    );
                }
            }
        }
        let mut near = request(&[]);
        near[1].value = b"h2cx";
        assert_eq!(
            ServerPolicy::websocket().negotiate_connect(&near),
            ConnectOutcome::Decline(DeclineReason::UnsupportedProtocol)
        );
    }

    #[test]
    fn a_connect_has_no_content() {
        let udp = ServerPolicy {
            protocols: &["connect-udp", "websocket"],
            ..ServerPolicy::websocket()
        };
        for length in [&b"0"[..], b"5"] {
            let extra = [field("content-length", length)];
            let fields = request(&extra);
            assert_eq!(
                udp.negotiate_connect(&fields),
                ConnectOutcome::Reject(RejectReason::RequestBody)
            );
            let mut other = fields.clone();
            other[1].value = b"connect-udp";
            assert_eq!(
                udp.negotiate_connect(&other),
                ConnectOutcome::Reject(RejectReason::RequestBody)
            );
        }
    }

    #[test]
    fn authority_must_be_a_host_the_policy_answers_for() {
        let policy = ServerPolicy {
            hosts: crate::server::HostPolicy::AllowList(&["*.example.com", "example.com"]),
            ..ServerPolicy::websocket()
        };
        assert!(matches!(
            policy.negotiate_connect(&request(&[])),
            ConnectOutcome::Accept(_)
        ));
        for authority in [
            &b"attacker.example"[..],
            b"example.com.evil",
            b"xexample.com",
        ] {
            let mut fields = request(&[]);
            fields[4].value = authority;
            assert_eq!(
                policy.negotiate_connect(&fields),
                ConnectOutcome::Reject(RejectReason::HostNotAllowed),
                "{authority:?}"
            );
        }
        let mut sub = request(&[]);
        sub[4].value = b"chat.example.com:8443";
        assert!(matches!(
            policy.negotiate_connect(&sub),
            ConnectOutcome::Accept(_)
        ));
    }
}
