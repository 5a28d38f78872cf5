//! Every rejection, decline and client failure is reachable from bytes, with its status
//! and the response head it calls for.

use http_upgrade::{
    ClientError, DeclineReason, Expectation, Limits, Outcome, RejectReason, ServerPolicy, Status,
    EMPTY_HEADER,
};

const GOOD: &str = "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

fn outcome_of(policy: &ServerPolicy<'_>, request: &[u8]) -> Outcome<'static> {
    let bytes: &'static [u8] = Vec::leak(request.to_vec());
    let mut headers = [EMPTY_HEADER; 16];
    match policy.handshake(bytes, &mut headers) {
        Status::Complete(handshake) => handshake.outcome,
        Status::Partial => panic!("partial: {:?}", String::from_utf8_lossy(request)),
    }
}

fn outcome(request: &str) -> Outcome<'static> {
    outcome_of(&ServerPolicy::websocket(), request.as_bytes())
}

fn with(find: &str, replace: &str) -> String {
    assert!(GOOD.contains(find), "{find}");
    GOOD.replacen(find, replace, 1)
}

/// Extended CONNECT field sections (RFC 8441) that reach the HTTP/2-only rejections.
fn connect_reject_cases() -> Vec<(RejectReason, Vec<(&'static str, &'static str)>)> {
    let good = vec![
        (":method", "CONNECT"),
        (":protocol", "websocket"),
        (":scheme", "https"),
        (":path", "/chat"),
        (":authority", "h"),
        ("sec-websocket-version", "13"),
    ];
    let with = |extra: (&'static str, &'static str)| {
        let mut fields = good.clone();
        fields.push(extra);
        fields
    };
    vec![
        (RejectReason::InvalidPseudoHeaders, with((":status", "200"))),
        (RejectReason::Http2OverConnect, {
            let mut fields = good.clone();
            fields[1].1 = "h2c";
            fields
        }),
        (RejectReason::Http2OverConnect, {
            let mut fields = good.clone();
            fields[1].1 = "H2";
            fields
        }),
        (RejectReason::RequestBody, with(("content-length", "0"))),
        (RejectReason::InvalidPseudoHeaders, good[1..].to_vec()),
        (RejectReason::InvalidFieldName, with(("Origin", "null"))),
        (RejectReason::InvalidFieldValue, with(("origin", "null "))),
        (
            RejectReason::ConnectionSpecificField,
            with(("connection", "upgrade")),
        ),
        (
            RejectReason::ConnectionSpecificField,
            with(("upgrade", "websocket")),
        ),
        (RejectReason::InvalidHost, with(("host", "elsewhere"))),
        (RejectReason::UnsupportedVersion, {
            let mut fields = good.clone();
            fields[5].1 = "8";
            fields
        }),
    ]
}

fn reject_cases() -> Vec<(RejectReason, Vec<u8>, ServerPolicy<'static>)> {
    let ws = ServerPolicy::websocket();
    let required = ServerPolicy {
        require_upgrade: true,
        ..ws
    };
    let small = ServerPolicy {
        limits: Limits {
            max_head_bytes: 64,
            ..Limits::DEFAULT
        },
        ..ws
    };
    let few_elements = ServerPolicy {
        limits: Limits {
            max_list_elements: 2,
            ..Limits::DEFAULT
        },
        ..ws
    };
    let many_headers: String = (0..20).map(|i| format!("X-{i}: v\r\n")).collect();
    let allow: &'static [&'static str] = &["https://example.com"];
    let allow_list = ServerPolicy {
        origins: http_upgrade::OriginPolicy::AllowList(allow),
        ..ws
    };
    let same_host = ServerPolicy {
        origins: http_upgrade::OriginPolicy::SameHost,
        ..ws
    };
    let origin_required = ServerPolicy {
        require_origin: true,
        ..ws
    };
    let bodies = ServerPolicy {
        protocols: &["example/1", "websocket"],
        allow_body: true,
        ..ws
    };
    let h2c = ServerPolicy {
        protocols: &["h2c"],
        ..ws
    };
    let local_only = ServerPolicy {
        hosts: http_upgrade::HostPolicy::AllowList(&["localhost", "127.0.0.1"]),
        origins: http_upgrade::OriginPolicy::SameHost,
        ..ws
    };
    let h2c_request = |connection: &str, settings: &str| {
        format!("GET / HTTP/1.1\r\nHost: h\r\nConnection: {connection}\r\nUpgrade: h2c\r\n{settings}\r\n").into_bytes()
    };
    let field = |name_value: &str| {
        with("Host: h\r\n", &format!("Host: h\r\n{name_value}\r\n")).into_bytes()
    };
    vec![
        (
            RejectReason::MissingHttp2Settings,
            h2c_request("Upgrade", ""),
            h2c,
        ),
        (
            RejectReason::MissingHttp2Settings,
            h2c_request("Upgrade", "HTTP2-Settings: AAMAAABk\r\n"),
            h2c,
        ),
        (
            RejectReason::MissingHttp2Settings,
            h2c_request(
                "Upgrade, HTTP2-Settings",
                "HTTP2-Settings: AAMAAABk\r\nHTTP2-Settings: AAMAAABk\r\n",
            ),
            h2c,
        ),
        (
            RejectReason::InvalidHttp2Settings,
            h2c_request("Upgrade, HTTP2-Settings", "HTTP2-Settings: AAMAAABk=\r\n"),
            h2c,
        ),
        (
            RejectReason::InvalidHttp2Settings,
            h2c_request("Upgrade, HTTP2-Settings", "HTTP2-Settings: AAIAAAAC\r\n"),
            h2c,
        ),
        (
            RejectReason::H2cOverTls,
            String::from_utf8(h2c_request(
                "Upgrade, HTTP2-Settings",
                "HTTP2-Settings: AAMAAABk\r\n",
            ))
            .unwrap()
            .replacen("GET / ", "GET https://h/ ", 1)
            .into_bytes(),
            h2c,
        ),
        (
            RejectReason::InvalidContentLength,
            field("Content-Length: 1, 2"),
            ws,
        ),
        (
            RejectReason::InvalidContentLength,
            field("Content-Length: +0"),
            ws,
        ),
        (
            RejectReason::InvalidTransferEncoding,
            field("Transfer-Encoding: chunked, gzip"),
            ws,
        ),
        (
            RejectReason::TransferEncodingInHttp10,
            with("HTTP/1.1", "HTTP/1.0")
                .replacen(
                    "Host: h\r\n",
                    "Host: h\r\nTransfer-Encoding: chunked\r\n",
                    1,
                )
                .into_bytes(),
            ws,
        ),
        (
            RejectReason::UnsupportedTransferCoding,
            field("Transfer-Encoding: br, chunked"),
            ws,
        ),
        (
            RejectReason::ConflictingFraming,
            field("Content-Length: 0\r\nTransfer-Encoding: chunked"),
            ws,
        ),
        (RejectReason::RequestBody, field("Content-Length: 1"), ws),
        (
            RejectReason::RequestBody,
            field("Transfer-Encoding: chunked"),
            bodies,
        ),
        (
            RejectReason::RequestBody,
            with("Upgrade: websocket", "Upgrade: example/1")
                .replacen("Host: h\r\n", "Host: h\r\nContent-Length: 1\r\n", 1)
                .into_bytes(),
            ServerPolicy {
                protocols: &["example/1"],
                ..ws
            },
        ),
        (RejectReason::ExpectationFailed, field("Expect: 200-ok"), ws),
        (
            RejectReason::ExpectationFailed,
            field("Expect: 100-continue, x"),
            ws,
        ),
        (
            RejectReason::InvalidHost,
            with("Host: h", "Host: h, evil").into_bytes(),
            ws,
        ),
        (
            RejectReason::InvalidHost,
            with("Host: h", "Host: user@h").into_bytes(),
            ws,
        ),
        (
            RejectReason::InvalidHost,
            with("Host: h", "Host: h:65536").into_bytes(),
            ws,
        ),
        (
            RejectReason::InvalidHost,
            with("Host: h", "Host: ").into_bytes(),
            ws,
        ),
        (
            RejectReason::InvalidTarget,
            with("GET /chat", "GET ws://u@h/chat").into_bytes(),
            ws,
        ),
        (
            RejectReason::OriginNotAllowed,
            field("Origin: https://evil.test"),
            allow_list,
        ),
        // DNS rebinding: the page's own Host and Origin, on a localhost service.
        (
            RejectReason::HostNotAllowed,
            with("Host: h", "Host: attacker.example:8080")
                .replacen(
                    "\r\n\r\n",
                    "\r\nOrigin: http://attacker.example:8080\r\n\r\n",
                    1,
                )
                .into_bytes(),
            local_only,
        ),
        (
            RejectReason::HostNotAllowed,
            with("GET /chat", "GET ws://attacker.example/chat")
                .replacen("Host: h", "Host: localhost", 1)
                .into_bytes(),
            local_only,
        ),
        (
            RejectReason::OriginNotAllowed,
            field("Origin: https://example.com/"),
            allow_list,
        ),
        (
            RejectReason::OriginNotAllowed,
            field("Origin: http://evil.test"),
            same_host,
        ),
        (
            RejectReason::MissingOrigin,
            GOOD.as_bytes().to_vec(),
            origin_required,
        ),
        (
            RejectReason::MalformedExtensions,
            field("Sec-WebSocket-Extensions: x-foo; a=\"b c\""),
            ws,
        ),
        (
            RejectReason::MalformedHead,
            b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n".to_vec(),
            ws,
        ),
        (RejectReason::HeadTooLarge, GOOD.as_bytes().to_vec(), small),
        (
            RejectReason::HeadTooLarge,
            b"GET / HTTP/1.1\r\nX: "
                .iter()
                .chain(&[b'a'; 100])
                .copied()
                .collect(),
            small,
        ),
        (
            RejectReason::TooManyHeaders,
            with("Host: h\r\n", &format!("Host: h\r\n{many_headers}")).into_bytes(),
            ws,
        ),
        (
            RejectReason::TooManyListElements,
            with("Connection: Upgrade", "Connection: a, b, Upgrade").into_bytes(),
            few_elements,
        ),
        (
            RejectReason::TooManyListElements,
            with(
                "Host: h\r\n",
                "Host: h\r\nExpect: 100-continue, 100-continue, 100-continue\r\n",
            )
            .into_bytes(),
            few_elements,
        ),
        (
            RejectReason::UnsupportedHttpVersion,
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
            ws,
        ),
        (
            RejectReason::InvalidTarget,
            with("GET /chat", "GET chat/x").into_bytes(),
            ws,
        ),
        (
            RejectReason::InvalidTarget,
            with("GET /chat", "GET *").into_bytes(),
            ws,
        ),
        // The rule the client writes by (RFC 9112 §3.2, RFC 3986 §2): visible ASCII, and no
        // fragment (RFC 9112 §3.2.1; RFC 6455 §3).
        (
            RejectReason::InvalidTarget,
            with("GET /chat", "GET /chat#frag").into_bytes(),
            ws,
        ),
        (
            RejectReason::InvalidTarget,
            with("GET /chat", "GET /caf\u{e9}").into_bytes(),
            ws,
        ),
        (
            RejectReason::InvalidTarget,
            with("GET /chat", "GET ws://h/chat#").into_bytes(),
            ws,
        ),
        (
            RejectReason::MissingHost,
            with("Host: h\r\n", "").into_bytes(),
            ws,
        ),
        (
            RejectReason::DuplicateHost,
            with("Host: h\r\n", "Host: h\r\nhost: h\r\n").into_bytes(),
            ws,
        ),
        (
            RejectReason::MalformedConnection,
            with("Connection: Upgrade", "Connection: Upgrade, \"x\"").into_bytes(),
            ws,
        ),
        (
            RejectReason::MalformedUpgrade,
            with("Upgrade: websocket", "Upgrade: websocket, a/").into_bytes(),
            ws,
        ),
        (
            RejectReason::UpgradeRequired,
            b"GET / HTTP/1.1\r\nHost: h\r\n\r\n".to_vec(),
            required,
        ),
        (
            RejectReason::MethodNotGet,
            with("GET", "POST").into_bytes(),
            ws,
        ),
        (
            RejectReason::MissingKey,
            with("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "").into_bytes(),
            ws,
        ),
        (
            RejectReason::DuplicateKey,
            with(
                "Sec-WebSocket-Version",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version",
            )
            .into_bytes(),
            ws,
        ),
        (
            RejectReason::InvalidKey,
            with("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ").into_bytes(),
            ws,
        ),
        (
            RejectReason::MissingVersion,
            with("Sec-WebSocket-Version: 13\r\n", "").into_bytes(),
            ws,
        ),
        (
            RejectReason::DuplicateVersion,
            with(
                "Sec-WebSocket-Version: 13\r\n",
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n",
            )
            .into_bytes(),
            ws,
        ),
        (
            RejectReason::UnsupportedVersion,
            with("Version: 13", "Version: 8").into_bytes(),
            ws,
        ),
        (
            RejectReason::DuplicateOrigin,
            with("Host: h\r\n", "Host: h\r\nOrigin: a\r\nOrigin: b\r\n").into_bytes(),
            ws,
        ),
        (
            RejectReason::MalformedSubprotocols,
            with(
                "Host: h\r\n",
                "Host: h\r\nSec-WebSocket-Protocol: chat, a b\r\n",
            )
            .into_bytes(),
            ws,
        ),
        (
            RejectReason::MalformedExtensions,
            with(
                "Host: h\r\n",
                "Host: h\r\nSec-WebSocket-Extensions: permessage-deflate;\r\n",
            )
            .into_bytes(),
            ws,
        ),
    ]
}

#[test]
fn every_rejection_is_reachable_and_written() {
    let cases = reject_cases();
    let connect = connect_reject_cases();
    for reason in RejectReason::ALL {
        assert!(
            cases.iter().any(|(r, _, _)| *r == reason) || connect.iter().any(|(r, _)| *r == reason),
            "no case reaches {reason}"
        );
    }
    let policy = ServerPolicy::websocket();
    for (reason, fields) in connect {
        let headers: Vec<http_upgrade::Header<'_>> = fields
            .iter()
            .map(|(name, value)| http_upgrade::Header {
                name,
                value: value.as_bytes(),
            })
            .collect();
        let outcome = policy.negotiate_connect(&headers);
        assert_eq!(
            outcome,
            http_upgrade::ConnectOutcome::Reject(reason),
            "{fields:?}"
        );
        let mut buf = [0u8; 64];
        let response = policy.connect_response(&outcome, &mut buf).expect("fits");
        assert_eq!(response.status, reason.status());
    }
    for (reason, request, policy) in cases {
        let outcome = outcome_of(&policy, &request);
        assert_eq!(
            outcome,
            Outcome::Reject(reason),
            "{:?}",
            String::from_utf8_lossy(&request)
        );
        assert_eq!(outcome.status(), Some(reason.status()));
        let mut buf = [0u8; 256];
        let len = policy.write_response(&outcome, &mut buf).expect("fits");
        let mut headers = [EMPTY_HEADER; 8];
        let mut response = httparse::Response::new(&mut headers);
        assert_eq!(
            response.parse(&buf[..len]),
            Ok(httparse::Status::Complete(len))
        );
        assert_eq!(response.code, Some(reason.status()));
        let has_version = response
            .headers
            .iter()
            .any(|h| h.name == "Sec-WebSocket-Version" && h.value == b"13");
        // RFC 6455 §4.2.2: a version problem is answered with the versions the server
        // speaks; no other rejection names one.
        let version_problem = matches!(
            reason,
            RejectReason::MissingVersion
                | RejectReason::DuplicateVersion
                | RejectReason::UnsupportedVersion
        );
        assert_eq!(has_version, version_problem, "{reason}");
    }
}

#[test]
fn names_are_unique_snake_case() {
    let mut names: Vec<&str> = RejectReason::ALL.iter().map(|r| r.name()).collect();
    names.extend(DeclineReason::ALL.iter().map(|r| r.name()));
    for name in &names {
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{name}"
        );
    }
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count);
}

#[test]
fn every_decline_is_reachable_and_becomes_426_when_required() {
    let cases = [
        (
            DeclineReason::NoUpgrade,
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\n\r\n".to_string(),
        ),
        (
            DeclineReason::ConnectionWithoutUpgrade,
            with("Connection: Upgrade", "Connection: keep-alive"),
        ),
        (DeclineReason::Http10, with("HTTP/1.1", "HTTP/1.0")),
        (
            DeclineReason::UnsupportedProtocol,
            with("Upgrade: websocket", "Upgrade: h2c, example/1"),
        ),
    ];
    let required = ServerPolicy {
        require_upgrade: true,
        ..ServerPolicy::websocket()
    };
    for (reason, request) in cases {
        assert_eq!(outcome(&request), Outcome::Decline(reason), "{request}");
        let mut buf = [0u8; 8];
        assert_eq!(
            ServerPolicy::websocket().write_response(&Outcome::Decline(reason), &mut buf),
            Ok(0)
        );
        assert_eq!(
            outcome_of(&required, request.as_bytes()),
            Outcome::Reject(RejectReason::UpgradeRequired)
        );
    }
}

#[test]
fn generic_upgrade_picks_first_supported_in_client_order() {
    let policy = ServerPolicy {
        protocols: &["foo", "example/1"],
        ..ServerPolicy::websocket()
    };
    let request = "POST /x HTTP/1.1\r\nHost: h\r\nUpgrade: example/2, example/1, foo\r\nConnection: upgrade\r\n\r\n";
    let Outcome::Switch(accepted) = outcome_of(&policy, request.as_bytes()) else {
        panic!()
    };
    assert_eq!(accepted.protocol.text, "example/1");
    assert!(accepted.websocket.is_none());
}

#[test]
fn list_headers_combine_and_names_ignore_case() {
    let request =
        "GET / HTTP/1.1\r\nhOsT: h\r\nconnection: keep-alive\r\nCONNECTION: , upgrade ,\r\n\
upgrade: foo\r\nUpgrade: WebSocket\r\nsec-websocket-key:  dGhlIHNhbXBsZSBub25jZQ== \r\n\
SEC-WEBSOCKET-VERSION: 13\r\nSec-WebSocket-Protocol: a\r\nSec-WebSocket-Protocol: , chat\r\n\r\n";
    let policy = ServerPolicy {
        subprotocols: &["chat"],
        ..ServerPolicy::websocket()
    };
    let Outcome::Switch(accepted) = outcome_of(&policy, request.as_bytes()) else {
        panic!()
    };
    assert_eq!(accepted.websocket.expect("ws").subprotocol, Some("chat"));
}

#[test]
fn deflate_invalid_offer_is_skipped_for_the_next() {
    let request = with(
        "Host: h\r\n",
        "Host: h\r\nSec-WebSocket-Extensions: x-unknown, permessage-deflate; server_max_window_bits=20\r\n\
Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=\"10\"; client_no_context_takeover\r\n",
    );
    let policy = ServerPolicy {
        deflate: Some(Default::default()),
        ..ServerPolicy::websocket()
    };
    let outcome = outcome_of(&policy, request.as_bytes());
    let mut buf = [0u8; 512];
    let len = policy.write_response(&outcome, &mut buf).expect("fits");
    let text = std::str::from_utf8(&buf[..len]).expect("ascii");
    assert!(
        text.contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; server_max_window_bits=10\r\n"),
        "{text}"
    );
}

#[test]
fn deflate_not_enabled_means_no_extension_header() {
    let request = with(
        "Host: h\r\n",
        "Host: h\r\nSec-WebSocket-Extensions: permessage-deflate\r\n",
    );
    let Outcome::Switch(accepted) = outcome(&request) else {
        panic!()
    };
    assert_eq!(accepted.websocket.expect("ws").deflate, None);
}

#[test]
fn server_preference_order() {
    let request = with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Protocol: b, a\r\n");
    let client_first = ServerPolicy {
        subprotocols: &["a", "b"],
        ..ServerPolicy::websocket()
    };
    let server_first = ServerPolicy {
        subprotocol_order: http_upgrade::SubprotocolOrder::Server,
        ..client_first
    };
    let pick = |policy: &ServerPolicy<'_>| match outcome_of(policy, request.as_bytes()) {
        Outcome::Switch(a) => a.websocket.expect("ws").subprotocol,
        other => panic!("{other:?}"),
    };
    assert_eq!(pick(&client_first), Some("b"));
    assert_eq!(pick(&server_first), Some("a"));
}

#[test]
fn response_buffer_too_small_is_an_error_with_the_need() {
    let outcome = outcome(GOOD);
    let policy = ServerPolicy::websocket();
    let mut big = [0u8; 256];
    let len = policy.write_response(&outcome, &mut big).expect("fits");
    let mut small = [0u8; 40];
    assert_eq!(
        policy
            .write_response(&outcome, &mut small)
            .map_err(|e| e.needed),
        Err(len)
    );
}

const RESPONSE: &str =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

fn validate(
    response: &str,
    subprotocols: &'static [&'static str],
    extensions: Option<&'static str>,
) -> Result<(), ClientError> {
    let expectation = Expectation::for_key(
        b"dGhlIHNhbXBsZSBub25jZQ==",
        subprotocols,
        extensions.map(str::as_bytes),
    )
    .expect("key");
    let mut headers = [EMPTY_HEADER; 8];
    match expectation.validate(response.as_bytes(), &mut headers)? {
        Status::Complete(_) => Ok(()),
        Status::Partial => panic!("partial"),
    }
}

fn response_with(find: &str, replace: &str) -> String {
    assert!(RESPONSE.contains(find));
    RESPONSE.replacen(find, replace, 1)
}

#[test]
fn every_client_failure_is_reachable() {
    let pmd = Some("permessage-deflate; server_max_window_bits=10");
    let cases: Vec<(ClientError, String, &'static [&'static str], Option<&'static str>)> = vec![
        (ClientError::MalformedHead(RejectReason::MalformedHead), "HTTP/1.1 abc\r\n\r\n".into(), &[], None),
        (ClientError::NotHttp11, response_with("HTTP/1.1", "HTTP/1.0"), &[], None),
        (ClientError::NotSwitching { status: 403 }, "HTTP/1.1 403 Forbidden\r\n\r\n".into(), &[], None),
        (ClientError::UpgradeNotWebsocket, response_with("Upgrade: websocket", "Upgrade: websocket, h2c"), &[], None),
        (ClientError::ConnectionNotUpgrade, response_with("Connection: Upgrade", "Connection: close"), &[], None),
        (ClientError::MissingAccept, response_with("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", ""), &[], None),
        (ClientError::DuplicateAccept, response_with("\r\n\r\n", "\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"), &[], None),
        (ClientError::AcceptMismatch, response_with("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "s3pPLMBiTxaQ9kYGzzhZRbK+xOp="), &[], None),
        (ClientError::UnexpectedSubprotocol, response_with("\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat\r\n\r\n"), &["superchat"], None),
        (ClientError::UnexpectedSubprotocol, response_with("\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat, superchat\r\n\r\n"), &["chat", "superchat"], None),
        (ClientError::MalformedExtensions, response_with("\r\n\r\n", "\r\nSec-WebSocket-Extensions: ;\r\n\r\n"), &[], pmd),
        (ClientError::UnexpectedExtension, response_with("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"), &[], None),
        (ClientError::UnexpectedExtension, response_with("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10, permessage-deflate; server_max_window_bits=10\r\n\r\n"), &[], pmd),
        (ClientError::InvalidDeflateParams, response_with("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"), &[], pmd),
        (ClientError::InvalidDeflateParams, response_with("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=11\r\n\r\n"), &[], pmd),
    ];
    for (error, response, subprotocols, extensions) in cases {
        assert_eq!(
            validate(&response, subprotocols, extensions),
            Err(error),
            "{response}"
        );
        assert_eq!(
            error.status(),
            if let ClientError::NotSwitching { status } = error {
                Some(status)
            } else {
                None
            }
        );
    }
    assert_eq!(validate(RESPONSE, &[], None), Ok(()));
    assert_eq!(
        validate(&response_with("websocket", "WebSocket"), &[], None),
        Ok(())
    );
}

#[test]
fn client_request_round_trips_through_our_server() {
    let request = http_upgrade::ClientRequest {
        host: "example.com:8080",
        target: "/chat?x=1",
        nonce: *b"the sample nonce",
        origin: Some("http://example.com"),
        subprotocols: &["chat", "superchat"],
        extensions: Some("permessage-deflate; client_max_window_bits"),
    };
    let mut buf = [0u8; 512];
    let len = request.write(&mut buf).expect("fits");
    let policy = ServerPolicy {
        subprotocols: &["superchat"],
        deflate: Some(Default::default()),
        ..ServerPolicy::websocket()
    };
    let Outcome::Switch(accepted) = outcome_of(&policy, &buf[..len]) else {
        panic!()
    };
    let websocket = accepted.websocket.expect("ws");
    assert_eq!(websocket.accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert_eq!(websocket.origin, Some(&b"http://example.com"[..]));
    assert_eq!(accepted.host, b"example.com:8080");
    let mut response = [0u8; 512];
    let response_len = policy
        .write_response(&Outcome::Switch(accepted), &mut response)
        .expect("fits");
    let mut headers = [EMPTY_HEADER; 8];
    let established = request
        .check()
        .expect("valid parts")
        .expectation()
        .validate(&response[..response_len], &mut headers)
        .expect("valid")
        .complete()
        .expect("complete");
    assert_eq!(established.subprotocol, Some("superchat"));
    assert!(established.deflate.is_some());
    let mut small = [0u8; 16];
    assert_eq!(
        request.write(&mut small),
        Err(http_upgrade::RequestError::BufferTooSmall { needed: len })
    );
}

#[test]
fn head_limit_never_waits_forever() {
    let policy = ServerPolicy::websocket();
    let endless = vec![b'a'; Limits::DEFAULT.max_head_bytes];
    let mut input = b"GET / HTTP/1.1\r\nX: ".to_vec();
    input.extend_from_slice(&endless);
    assert_eq!(
        outcome_of(&policy, &input),
        Outcome::Reject(RejectReason::HeadTooLarge)
    );
}

/// The request is judged whole (RFC 9112 §3.2, §6; RFC 9110 §7.8, §10.1.1; RFC 6455 §10.2):
/// the positive side of each rule the rejections above break.
#[test]
fn whole_request_rules() {
    let ws = ServerPolicy::websocket();
    // Framing is judged before the upgrade decision, but only on requests that carry Upgrade.
    let declined_but_broken = with("Connection: Upgrade", "Connection: keep-alive").replacen(
        "Host: h\r\n",
        "Host: h\r\nContent-Length: 1, 2\r\n",
        1,
    );
    assert_eq!(
        outcome(&declined_but_broken),
        Outcome::Reject(RejectReason::InvalidContentLength)
    );
    let http10_chunked = with("HTTP/1.1", "HTTP/1.0").replacen(
        "Host: h\r\n",
        "Host: h\r\nTransfer-Encoding: chunked\r\n",
        1,
    );
    assert_eq!(
        outcome(&http10_chunked),
        Outcome::Reject(RejectReason::TransferEncodingInHttp10)
    );
    let not_an_upgrade = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n";
    assert_eq!(
        outcome(not_an_upgrade),
        Outcome::Decline(DeclineReason::NoUpgrade)
    );
    // Content-Length: 0 is no body.
    let empty_body = with("Host: h\r\n", "Host: h\r\nContent-Length: 0\r\n");
    assert!(matches!(outcome(&empty_body), Outcome::Switch(_)));

    // Expect: 100-continue: the 100 comes before the 101 (RFC 9110 §7.8).
    let expect = with("Host: h\r\n", "Host: h\r\nExpect: 100-Continue\r\n");
    let Outcome::Switch(accepted) = outcome(&expect) else {
        panic!("switch")
    };
    assert!(accepted.expect_continue);
    let mut buf = [0u8; 512];
    let len = ws
        .write_response(&Outcome::Switch(accepted), &mut buf)
        .unwrap();
    assert!(buf[..len]
        .starts_with(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n"));
    let interim = accepted.write_interim(&mut buf).unwrap();
    let switch = accepted.write_switch(&mut buf[interim..]).unwrap();
    assert_eq!(interim + switch, len);
    let mut headers = [EMPTY_HEADER; 8];
    let expectation = Expectation::for_key(b"dGhlIHNhbXBsZSBub25jZQ==", &[], None).unwrap();
    let established = expectation.validate(&buf[..len], &mut headers).unwrap();
    assert_eq!(established.complete().map(|e| e.consumed), Some(len));

    // A body on another protocol, when allowed: consumed stops at the head.
    let bodies = ServerPolicy {
        protocols: &["example/1"],
        allow_body: true,
        ..ws
    };
    for (framing, body, expected) in [
        (
            "Content-Length: 5",
            &b"hello"[..],
            http_upgrade::Body::Length(5),
        ),
        (
            "Transfer-Encoding: gzip, chunked",
            b"5\r\nhello\r\n0\r\n\r\n",
            http_upgrade::Body::Chunked,
        ),
    ] {
        let request = format!(
            "POST /rpc HTTP/1.1\r\nHost: h\r\nUpgrade: example/1\r\nConnection: upgrade\r\n{framing}\r\n\r\n"
        );
        let mut bytes = request.clone().into_bytes();
        bytes.extend_from_slice(body);
        let mut headers = [EMPTY_HEADER; 16];
        let Status::Complete(handshake) = bodies.handshake(&bytes, &mut headers) else {
            panic!("complete")
        };
        let Outcome::Switch(accepted) = handshake.outcome else {
            panic!("{:?}", handshake.outcome)
        };
        assert_eq!(accepted.body, expected);
        assert_eq!(handshake.consumed, Some(request.len()));
    }

    // Host: RFC 3986 forms; an absolute-form target's authority wins (RFC 9112 §3.2.2).
    for host in [
        "[::1]:8080",
        "127.0.0.1",
        "xn--bcher-kva.example:443",
        "a.b-c_d~e",
    ] {
        let request = with("Host: h", &format!("Host: {host}"));
        let Outcome::Switch(accepted) = outcome(&request) else {
            panic!("{host}")
        };
        assert_eq!(accepted.authority.text, host.as_bytes());
        assert_eq!(
            accepted.authority_source,
            http_upgrade::AuthoritySource::Host
        );
    }
    let absolute = with("GET /chat", "GET ws://Example.com:81/chat");
    let Outcome::Switch(accepted) = outcome(&absolute) else {
        panic!("absolute")
    };
    assert_eq!(accepted.authority.text, b"Example.com:81");
    assert_eq!(
        accepted.authority_source,
        http_upgrade::AuthoritySource::Target
    );
    assert_eq!(accepted.host, b"h");

    // Origin: same host as the effective authority; an allow-list; none passes unless required.
    let same_host = ServerPolicy {
        origins: http_upgrade::OriginPolicy::SameHost,
        ..ws
    };
    let from_absolute = absolute.replacen(
        "Host: h\r\n",
        "Host: h\r\nOrigin: https://example.COM:81\r\n",
        1,
    );
    assert!(matches!(
        outcome_of(&same_host, from_absolute.as_bytes()),
        Outcome::Switch(_)
    ));
    let from_host = with("Host: h\r\n", "Host: h\r\nOrigin: http://H\r\n");
    assert!(matches!(
        outcome_of(&same_host, from_host.as_bytes()),
        Outcome::Switch(_)
    ));
    assert!(matches!(
        outcome_of(&same_host, GOOD.as_bytes()),
        Outcome::Switch(_)
    ));
    let allow = ServerPolicy {
        origins: http_upgrade::OriginPolicy::AllowList(&["null", "https://a.test"]),
        ..ws
    };
    for origin in ["null", "HTTPS://A.TEST"] {
        let request = with("Host: h\r\n", &format!("Host: h\r\nOrigin: {origin}\r\n"));
        assert!(
            matches!(outcome_of(&allow, request.as_bytes()), Outcome::Switch(_)),
            "{origin}"
        );
    }
    // Origin policy is a WebSocket rule: another protocol is not judged by it.
    let example = ServerPolicy {
        protocols: &["example/1"],
        require_origin: true,
        ..allow
    };
    let other = with("Upgrade: websocket", "Upgrade: example/1");
    assert!(matches!(
        outcome_of(&example, other.as_bytes()),
        Outcome::Switch(_)
    ));
}
