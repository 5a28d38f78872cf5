//! `client_one_pass`: the client's hot path of issue #12 ([`Expectation::validate`], which
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
    fast
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
