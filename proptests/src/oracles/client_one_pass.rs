//! `client_one_pass`: the client's hot path ([`Expectation::validate`], which
//! checks a common 101 in one pass) against the general checks it must agree with
//! ([`Expectation::validate_general`]), on the same bytes with the same expectation: the
//! same result, `Ok` or `Err`, field for field. The general checks are themselves held to
//! the independent client reference (`client_reference.rs`) and the fuzz oracles, so
//! agreement here carries those checks over to the one pass.

use http_upgrade::{parse_response, ClientError, Established, Expectation, Status, EMPTY_HEADER};

/// Runs both on `response`, asserts they agree, and returns the result.
pub fn agrees<'b>(
    expectation: &Expectation<'_>,
    response: &'b [u8],
) -> Result<Status<Established<'b>>, ClientError> {
    let mut headers = [EMPTY_HEADER; 32];
    let fast = expectation.validate(response, &mut headers);
    let mut general_headers = [EMPTY_HEADER; 32];
    let general = expectation.validate_general(response, &mut general_headers);
    assert_eq!(
        fast,
        general,
        "response: {:?}",
        String::from_utf8_lossy(response)
    );
    // The shape the one pass promises to take is taken by it.
    if !cfg!(http_upgrade_general_only)
        && matches!(fast, Ok(Status::Complete(_)))
        && in_the_gate(expectation, response)
    {
        assert!(
            takes(expectation, response),
            "the one pass left a 101 in its shape to the general checks: {:?}",
            String::from_utf8_lossy(response)
        );
    }
    fast
}

/// The 101 shape the client's one pass promises to take, read here with httparse from its
/// module documentation: an `HTTP/1.1 101` head first (no interim response before it);
/// Upgrade, Connection and Sec-WebSocket-Accept exactly once, Sec-WebSocket-Protocol and
/// Sec-WebSocket-Extensions at most once; Upgrade one bare `websocket`, case aside; the
/// subprotocol one bare token; no quote in Connection or Sec-WebSocket-Extensions, no
/// obs-fold in any of them; lists within the limit.
pub fn in_the_gate(expectation: &Expectation<'_>, response: &[u8]) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = parsed.parse(response) else {
        return false;
    };
    if parsed.version != Some(1) || parsed.code != Some(101) {
        return false;
    }
    let of = |name: &str| crate::rfc::field_values(parsed.headers, name);
    let (upgrade, connection, accept, protocol, extensions) = (
        of("upgrade"),
        of("connection"),
        of("sec-websocket-accept"),
        of("sec-websocket-protocol"),
        of("sec-websocket-extensions"),
    );
    let max = expectation.limits.max_list_elements;
    let plain_list = |v: &[u8]| super::one_pass::plain_list_within(v, max);
    let one_line = |values: &[&[u8]]| {
        values
            .iter()
            .all(|v| !v.contains(&b'\r') && !v.contains(&b'\n'))
    };
    upgrade.len() == 1
        && connection.len() == 1
        && accept.len() == 1
        && protocol.len() <= 1
        && extensions.len() <= 1
        && one_line(&upgrade)
        && one_line(&connection)
        && one_line(&protocol)
        && one_line(&extensions)
        && upgrade[0].eq_ignore_ascii_case(b"websocket")
        && plain_list(connection[0])
        && protocol.iter().all(|v| crate::rfc::is_token(v))
        && extensions.iter().all(|v| plain_list(v))
}

/// Whether the one pass itself establishes `response` (a head with no interim response
/// before it), as opposed to leaving it to the general checks.
pub fn takes(expectation: &Expectation<'_>, response: &[u8]) -> bool {
    let mut headers = [EMPTY_HEADER; 32];
    match parse_response(response, &mut headers, &expectation.limits) {
        Ok(Status::Complete(head)) => {
            http_upgrade::__private::established_in_one_pass(expectation, &head, 0).is_some()
        }
        _ => false,
    }
}
