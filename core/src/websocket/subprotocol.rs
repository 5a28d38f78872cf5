//! Sec-WebSocket-Protocol (RFC 6455 §4.1 item 10, §4.2.2 item 5.5, §11.3.4): the client
//! offers a list of tokens; the server answers with at most one of them.

use crate::grammar::list::{is_token, ListFault};

/// Whose preference order picks the subprotocol when several are acceptable (RFC 6455
/// §4.2.2 item 5.5 leaves it to the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubprotocolOrder {
    /// The first of the client's offers that the server supports (the RFC's reading).
    #[default]
    Client,
    /// The first of the server's own list that the client offered.
    Server,
}

/// Chooses one offered subprotocol (RFC 6455 §4.2.2 item 5.5). Names compare exactly.
///
/// `offers` are the combined Sec-WebSocket-Protocol elements; a non-token fails them all.
/// Returns the client's own text for the chosen offer, or `None` when nothing matches.
pub fn choose<'b, I>(
    offers: I,
    supported: &[&str],
    order: SubprotocolOrder,
) -> Result<Option<&'b str>, ListFault>
where
    I: Iterator<Item = Result<&'b [u8], ListFault>>,
{
    // (rank, offer): the lower rank wins; rank is the position in the deciding list.
    let mut best: Option<(usize, &'b [u8])> = None;
    for (position, offer) in offers.enumerate() {
        let offer = offer?;
        if !is_token(offer) {
            return Err(ListFault::Malformed);
        }
        let Some(server_rank) = supported.iter().position(|s| s.as_bytes() == offer) else {
            continue;
        };
        let rank = match order {
            SubprotocolOrder::Client => position,
            SubprotocolOrder::Server => server_rank,
        };
        if best.is_none_or(|(best_rank, _)| rank < best_rank) {
            best = Some((rank, offer));
        }
    }
    Ok(best.and_then(|(_, offer)| core::str::from_utf8(offer).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::list::Elements;

    fn offers(value: &[u8]) -> impl Iterator<Item = Result<&[u8], ListFault>> {
        Elements::new(value).map(|e| e.map_err(ListFault::from))
    }

    #[test]
    fn client_order_by_default() {
        let chosen = choose(offers(b"b, a"), &["a", "b"], SubprotocolOrder::Client);
        assert_eq!(chosen, Ok(Some("b")));
    }

    #[test]
    fn server_order_when_asked() {
        let chosen = choose(offers(b"b, a"), &["a", "b"], SubprotocolOrder::Server);
        assert_eq!(chosen, Ok(Some("a")));
    }

    #[test]
    fn none_supported_is_none_and_case_matters() {
        assert_eq!(
            choose(offers(b"Chat"), &["chat"], SubprotocolOrder::Client),
            Ok(None)
        );
        assert_eq!(
            choose(offers(b""), &["chat"], SubprotocolOrder::Client),
            Ok(None)
        );
    }

    #[test]
    fn non_token_is_malformed() {
        let chosen = choose(offers(b"chat, \"x\""), &["chat"], SubprotocolOrder::Client);
        assert_eq!(chosen, Err(ListFault::Malformed));
    }
}
