//! Typed verdicts: why a request was rejected or declined, and the HTTP status each maps to.

use crate::grammar::list::ListFault;

/// The rejection for a list field that broke its grammar (`malformed`) or the element
/// bound (431, RFC 6585 §5).
pub(crate) fn list_reject(fault: ListFault, malformed: RejectReason) -> RejectReason {
    match fault {
        ListFault::Malformed => malformed,
        ListFault::TooMany => RejectReason::TooManyListElements,
    }
}

/// Why the server refuses a request outright; each variant maps to one HTTP status
/// (RFC 9110 §15.5, RFC 6455 §4.2.2, RFC 6585 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectReason {
    /// The head is not valid HTTP/1.x syntax (RFC 9112 §2-§5): 400.
    MalformedHead,
    /// The head did not end within the size limit: 431 (RFC 6585 §5).
    HeadTooLarge,
    /// More header fields than the caller's storage holds: 431 (RFC 6585 §5).
    TooManyHeaders,
    /// A list header holds more elements than the limit allows: 431 (RFC 6585 §5).
    TooManyListElements,
    /// The request line names a version other than HTTP/1.0 or HTTP/1.1, such as the
    /// HTTP/2 connection preface `PRI * HTTP/2.0` (RFC 9113 §3.4): 505.
    UnsupportedHttpVersion,
    /// The request target is neither origin-form nor absolute-form (RFC 9112 §3.2), the
    /// forms a GET or an upgrade may use: 400.
    InvalidTarget,
    /// No Host field in an HTTP/1.1 request (RFC 9112 §3.2): 400.
    MissingHost,
    /// More than one Host field (RFC 9112 §3.2): 400.
    DuplicateHost,
    /// The Connection field is not a list of tokens (RFC 9110 §7.6.1): 400.
    MalformedConnection,
    /// The Upgrade field is not a list of protocol[/version] tokens (RFC 9110 §7.8): 400.
    MalformedUpgrade,
    /// The policy requires an upgrade and the request offers none it takes (RFC 9110 §15.5.22): 426.
    UpgradeRequired,
    /// A WebSocket opening handshake must be a GET (RFC 6455 §4.2.1 item 1): 400.
    MethodNotGet,
    /// No Sec-WebSocket-Key (RFC 6455 §4.2.1 item 5): 400.
    MissingKey,
    /// More than one Sec-WebSocket-Key (RFC 6455 §11.3.1): 400.
    DuplicateKey,
    /// Sec-WebSocket-Key is not base64 of 16 bytes (RFC 6455 §4.1, §4.2.1 item 5): 400.
    InvalidKey,
    /// No Sec-WebSocket-Version (RFC 6455 §4.2.1 item 6): 426 with `Sec-WebSocket-Version: 13`.
    MissingVersion,
    /// More than one Sec-WebSocket-Version (RFC 6455 §11.3.5): 426 with `Sec-WebSocket-Version: 13`.
    DuplicateVersion,
    /// Sec-WebSocket-Version is not exactly 13 (RFC 6455 §4.2.2): 426 with `Sec-WebSocket-Version: 13`.
    UnsupportedVersion,
    /// More than one Origin field (RFC 6454 §7.3): the caller's origin check cannot be trusted: 400.
    DuplicateOrigin,
    /// Sec-WebSocket-Protocol is not a list of tokens (RFC 6455 §4.1, §11.3.4): 400.
    MalformedSubprotocols,
    /// Sec-WebSocket-Extensions does not follow its grammar (RFC 6455 §9.1), a quoted
    /// parameter value included: 400.
    MalformedExtensions,
    /// Content-Length is not `1*DIGIT`, overflows, or repeats with different values
    /// (RFC 9110 §8.6, RFC 9112 §6.3 item 5): 400.
    InvalidContentLength,
    /// Transfer-Encoding is not a list of codings ending in one `chunked` (RFC 9112 §6.1,
    /// §6.3 item 4): 400.
    InvalidTransferEncoding,
    /// Transfer-Encoding in an HTTP/1.0 request: its framing is faulty (RFC 9112 §6.1): 400.
    TransferEncodingInHttp10,
    /// A transfer coding this server does not know (RFC 9112 §6.1, §7): 501.
    UnsupportedTransferCoding,
    /// Both Content-Length and Transfer-Encoding: a request-smuggling signature
    /// (RFC 9112 §6.1, §6.3 item 3, §11.2): 400.
    ConflictingFraming,
    /// A body on an upgrade that takes none: a WebSocket handshake (RFC 9110 §9.3.1,
    /// RFC 6455 §4.2.1) or a policy that does not allow bodies; or a `content-length` field
    /// on an extended CONNECT, which has no content (RFC 9110 §9.3.6): 400.
    RequestBody,
    /// An Expect other than `100-continue` (RFC 9110 §10.1.1): 417.
    ExpectationFailed,
    /// The Host value, or the authority of an absolute-form target, is not
    /// `uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2-§3.2.3): 400.
    InvalidHost,
    /// The Origin is not one the policy allows (RFC 6455 §4.2.2 item 4, §10.2): 403.
    OriginNotAllowed,
    /// The policy requires an Origin and the request has none (RFC 6455 §4.2.2 item 4): 403.
    MissingOrigin,
    /// HTTP/2 or HTTP/3 pseudo-header fields that are unknown, repeated, after a regular
    /// field, or missing for an extended CONNECT (RFC 9113 §8.3, RFC 8441 §4): 400.
    InvalidPseudoHeaders,
    /// An HTTP/2 or HTTP/3 field name with uppercase or non-token bytes (RFC 9113 §8.2.1): 400.
    InvalidFieldName,
    /// An HTTP/2 or HTTP/3 field value (pseudo-header fields included) holding NUL, CR, LF
    /// or another control byte, or starting or ending with SP or HTAB (RFC 9113 §8.2.1,
    /// RFC 9110 §5.5): 400.
    InvalidFieldValue,
    /// A connection-specific field in HTTP/2 or HTTP/3, such as `connection` or `upgrade`
    /// (RFC 9113 §8.2.2, RFC 9114 §4.2): 400.
    ConnectionSpecificField,
    /// An h2c upgrade without exactly one HTTP2-Settings field named in Connection
    /// (RFC 7540 §3.2.1): 400.
    MissingHttp2Settings,
    /// HTTP2-Settings is not base64url of a SETTINGS payload with values in range
    /// (RFC 7540 §3.2.1, RFC 9113 §6.5.2): 400.
    InvalidHttp2Settings,
    /// An h2c upgrade for an `https` target: h2c is cleartext only (RFC 7540 §3.2, §3.3): 400.
    H2cOverTls,
    /// The request's authority (Host, or an absolute-form target's, or `:authority`) is not
    /// one the policy answers for ([`HostPolicy`]): the DNS-rebinding guard. 421 Misdirected
    /// Request (RFC 9110 §15.5.20).
    ///
    /// [`HostPolicy`]: crate::HostPolicy
    HostNotAllowed,
    /// An extended CONNECT whose `:protocol` is `h2c` or `h2`: HTTP/2 tunnelled inside an
    /// HTTP/2 or HTTP/3 stream, past the proxy's view of the requests in it (RFC 8441 §4;
    /// RFC 9113 §3.1 deprecates h2c): 400, whatever the policy's protocols.
    Http2OverConnect,
}

impl RejectReason {
    /// Every variant, for tests and tools that enumerate them.
    pub const ALL: [RejectReason; 40] = [
        Self::MalformedHead,
        Self::HeadTooLarge,
        Self::TooManyHeaders,
        Self::TooManyListElements,
        Self::UnsupportedHttpVersion,
        Self::InvalidTarget,
        Self::MissingHost,
        Self::DuplicateHost,
        Self::MalformedConnection,
        Self::MalformedUpgrade,
        Self::UpgradeRequired,
        Self::MethodNotGet,
        Self::MissingKey,
        Self::DuplicateKey,
        Self::InvalidKey,
        Self::MissingVersion,
        Self::DuplicateVersion,
        Self::UnsupportedVersion,
        Self::DuplicateOrigin,
        Self::MalformedSubprotocols,
        Self::MalformedExtensions,
        Self::InvalidContentLength,
        Self::InvalidTransferEncoding,
        Self::TransferEncodingInHttp10,
        Self::UnsupportedTransferCoding,
        Self::ConflictingFraming,
        Self::RequestBody,
        Self::ExpectationFailed,
        Self::InvalidHost,
        Self::OriginNotAllowed,
        Self::MissingOrigin,
        Self::InvalidPseudoHeaders,
        Self::InvalidFieldName,
        Self::InvalidFieldValue,
        Self::ConnectionSpecificField,
        Self::MissingHttp2Settings,
        Self::InvalidHttp2Settings,
        Self::H2cOverTls,
        Self::HostNotAllowed,
        Self::Http2OverConnect,
    ];

    /// The HTTP status code of the response this rejection gets (RFC 9110 §15.5, RFC 6585 §5).
    pub const fn status(self) -> u16 {
        match self {
            Self::HeadTooLarge | Self::TooManyHeaders | Self::TooManyListElements => 431,
            Self::UnsupportedHttpVersion => 505,
            Self::UnsupportedTransferCoding => 501,
            Self::ExpectationFailed => 417,
            Self::HostNotAllowed => 421,
            Self::OriginNotAllowed | Self::MissingOrigin => 403,
            Self::UpgradeRequired
            | Self::MissingVersion
            | Self::DuplicateVersion
            | Self::UnsupportedVersion => 426,
            Self::MalformedHead
            | Self::InvalidTarget
            | Self::MissingHost
            | Self::DuplicateHost
            | Self::MalformedConnection
            | Self::MalformedUpgrade
            | Self::MethodNotGet
            | Self::MissingKey
            | Self::DuplicateKey
            | Self::InvalidKey
            | Self::DuplicateOrigin
            | Self::MalformedSubprotocols
            | Self::MalformedExtensions
            | Self::InvalidContentLength
            | Self::InvalidTransferEncoding
            | Self::TransferEncodingInHttp10
            | Self::ConflictingFraming
            | Self::RequestBody
            | Self::InvalidHost
            | Self::InvalidPseudoHeaders
            | Self::InvalidFieldName
            | Self::InvalidFieldValue
            | Self::ConnectionSpecificField
            | Self::MissingHttp2Settings
            | Self::InvalidHttp2Settings
            | Self::H2cOverTls
            | Self::Http2OverConnect => 400,
        }
    }

    /// Whether the 426 response carries `Sec-WebSocket-Version: 13` (RFC 6455 §4.2.2).
    pub(crate) const fn advertises_websocket_version(self) -> bool {
        matches!(
            self,
            Self::MissingVersion | Self::DuplicateVersion | Self::UnsupportedVersion
        )
    }

    /// A stable snake_case name, for logs and `cargo xtask inspect` (the RFC rule each names is
    /// in the variant's documentation).
    pub const fn name(self) -> &'static str {
        match self {
            Self::MalformedHead => "malformed_head",
            Self::HeadTooLarge => "head_too_large",
            Self::TooManyHeaders => "too_many_headers",
            Self::TooManyListElements => "too_many_list_elements",
            Self::UnsupportedHttpVersion => "unsupported_http_version",
            Self::InvalidTarget => "invalid_target",
            Self::MissingHost => "missing_host",
            Self::DuplicateHost => "duplicate_host",
            Self::MalformedConnection => "malformed_connection",
            Self::MalformedUpgrade => "malformed_upgrade",
            Self::UpgradeRequired => "upgrade_required",
            Self::MethodNotGet => "method_not_get",
            Self::MissingKey => "missing_key",
            Self::DuplicateKey => "duplicate_key",
            Self::InvalidKey => "invalid_key",
            Self::MissingVersion => "missing_version",
            Self::DuplicateVersion => "duplicate_version",
            Self::UnsupportedVersion => "unsupported_version",
            Self::DuplicateOrigin => "duplicate_origin",
            Self::MalformedSubprotocols => "malformed_subprotocols",
            Self::MalformedExtensions => "malformed_extensions",
            Self::InvalidContentLength => "invalid_content_length",
            Self::InvalidTransferEncoding => "invalid_transfer_encoding",
            Self::TransferEncodingInHttp10 => "transfer_encoding_in_http_1_0",
            Self::UnsupportedTransferCoding => "unsupported_transfer_coding",
            Self::ConflictingFraming => "conflicting_framing",
            Self::RequestBody => "request_body",
            Self::ExpectationFailed => "expectation_failed",
            Self::InvalidHost => "invalid_host",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::MissingOrigin => "missing_origin",
            Self::InvalidPseudoHeaders => "invalid_pseudo_headers",
            Self::InvalidFieldName => "invalid_field_name",
            Self::InvalidFieldValue => "invalid_field_value",
            Self::ConnectionSpecificField => "connection_specific_field",
            Self::MissingHttp2Settings => "missing_http2_settings",
            Self::InvalidHttp2Settings => "invalid_http2_settings",
            Self::H2cOverTls => "h2c_over_tls",
            Self::HostNotAllowed => "host_not_allowed",
            Self::Http2OverConnect => "http2_over_connect",
        }
    }
}

impl core::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({})", self.name(), self.status())
    }
}

/// Why the server does not switch but serves the request normally: the Upgrade field
/// is ignored (RFC 9110 §7.8: "A server MAY ignore a received Upgrade header field").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeclineReason {
    /// The request has no Upgrade field.
    NoUpgrade,
    /// Upgrade is present but Connection has no `upgrade` option (RFC 9110 §7.8).
    ConnectionWithoutUpgrade,
    /// The request is HTTP/1.0, whose Upgrade a server must ignore (RFC 9110 §7.8).
    Http10,
    /// None of the offered protocols is one this server takes.
    UnsupportedProtocol,
}

impl DeclineReason {
    /// Every variant, for tests and tools that enumerate them.
    pub const ALL: [DeclineReason; 4] = [
        Self::NoUpgrade,
        Self::ConnectionWithoutUpgrade,
        Self::Http10,
        Self::UnsupportedProtocol,
    ];

    /// A stable snake_case name, for logs and `cargo xtask inspect` (the RFC rule each names is
    /// in the variant's documentation).
    pub const fn name(self) -> &'static str {
        match self {
            Self::NoUpgrade => "no_upgrade",
            Self::ConnectionWithoutUpgrade => "connection_without_upgrade",
            Self::Http10 => "http_1_0",
            Self::UnsupportedProtocol => "unsupported_protocol",
        }
    }
}

impl core::fmt::Display for DeclineReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The caller's buffer cannot hold the head being written (RFC 9112 §4 status line and
/// fields); `needed` says how large it must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct BufferTooSmall {
    /// How many bytes the complete head needs.
    pub needed: usize,
}

impl core::fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "buffer too small: the head needs {} bytes", self.needed)
    }
}
