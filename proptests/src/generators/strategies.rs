//! proptest strategies over models, policies, renderings and faults.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use crate::faults::Fault;
use crate::model::*;
use crate::render::Rendering;

/// Any deflate offer, valid or not, values quoted or not.
pub fn deflate_offer() -> impl Strategy<Value = DeflateOfferModel> {
    let bits = prop_oneof![4 => 8u8..=15, 1 => any::<u8>()];
    (
        any::<bool>(),
        any::<bool>(),
        option::of(bits.clone()),
        option::of(option::of(bits)),
        prop::bool::weighted(0.1),
        repeated_param(),
        prop_oneof![Just(Quoting::Token), Just(Quoting::Quoted)],
    )
        .prop_map(
            |(snct, cnct, smwb, cmwb, unknown, repeated, quoting)| DeflateOfferModel {
                server_no_context_takeover: snct,
                client_no_context_takeover: cnct,
                server_max_window_bits: smwb,
                client_max_window_bits: cmwb,
                unknown_param: unknown,
                repeated_param: repeated,
                quoting,
            },
        )
}

/// Mostly no repeated parameter; one in ten of the offers and answers repeats one of the
/// four (RFC 7692 §7), each as likely.
fn repeated_param() -> impl Strategy<Value = RepeatedParam> {
    prop_oneof![
        9 => Just(RepeatedParam::None),
        1 => prop::sample::select(&RepeatedParam::EVERY[..]),
    ]
}

/// Extension offers that follow RFC 6455 §9.1, mostly permessage-deflate.
pub fn extension_offer() -> impl Strategy<Value = ExtensionOffer> {
    let valid_others = OTHER_EXTENSIONS.iter().filter(|(_, valid)| *valid).count() as u8;
    prop_oneof![3 => deflate_offer().prop_map(ExtensionOffer::Deflate), 1 => (0..valid_others).prop_map(ExtensionOffer::Other)]
}

/// Extension offers, near misses of the grammar included.
pub fn any_extension_offer() -> impl Strategy<Value = ExtensionOffer> {
    prop_oneof![3 => deflate_offer().prop_map(ExtensionOffer::Deflate), 1 => any::<u8>().prop_map(ExtensionOffer::Other)]
}

/// Body framing: mostly none, then every kind, near misses of Content-Length included.
pub fn framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        6 => Just(Framing::None),
        1 => any::<u8>().prop_map(|n| Framing::Length(n % 8)),
        1 => any::<u8>().prop_map(|n| Framing::LengthRepeated(n % 8)),
        2 => (any::<u16>(), any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(digits, edit, at, byte)| Framing::LengthNearMiss { digits, edit, at, byte }),
        2 => any::<u8>().prop_map(Framing::TransferEncoding),
        1 => Just(Framing::Both),
    ]
}

/// Origin rules a server may have.
pub fn origin_rule() -> impl Strategy<Value = OriginRule> {
    prop_oneof![
        2 => Just(OriginRule::Any),
        2 => vec(any::<u8>(), 0..3).prop_map(OriginRule::AllowList),
        1 => Just(OriginRule::SameHost),
    ]
}

/// Host rules a server may have: any host, or one of the allow-lists.
pub fn host_rule() -> impl Strategy<Value = HostRule> {
    prop_oneof![
        3 => Just(HostRule::Any),
        2 => any::<u8>().prop_map(HostRule::AllowList),
    ]
}

/// A valid WebSocket request: everything a server needs, plus optional offers and noise.
pub fn valid_handshake() -> impl Strategy<Value = Handshake> {
    let upgrade = (
        vec((2u8..5, option::of(any::<u8>())), 0..3),
        any::<bool>(),
        option::of(any::<u8>()),
    )
        .prop_map(|(others, upper, version)| {
            let mut offers: Vec<ProtocolOffer> = others
                .into_iter()
                .map(|(name, version)| ProtocolOffer { name, version })
                .collect();
            offers.push(ProtocolOffer {
                name: u8::from(upper),
                version,
            });
            offers
        });
    let connection = (vec(2u8..5, 0..3), 0u8..2).prop_map(|(mut others, upgrade)| {
        others.push(upgrade);
        others
    });
    (
        any::<[u8; 16]>(),
        0..VALID_HOSTS,
        0u8..6,
        upgrade,
        connection,
        option::of(any::<u8>()),
        vec(any::<u8>(), 0..5),
        vec(extension_offer(), 0..4),
        vec(
            (any::<u8>(), any::<u8>()).prop_map(|(name, value)| Noise { name, value }),
            0..6,
        ),
        (vec(any::<u8>(), 0..16), option::of(0u8..4)),
    )
        .prop_map(
            |(
                nonce,
                host,
                path,
                upgrade,
                connection,
                origin,
                subprotocols,
                extensions,
                noise,
                (trailing, expect),
            )| Handshake {
                nonce,
                method: Method::Get,
                http10: false,
                host,
                host_presence: Presence::Once,
                path,
                upgrade,
                connection,
                key: KeyField::Valid,
                version: VersionField::Thirteen,
                origin,
                framing: Framing::None,
                expect,
                http2_settings: vec![],
                subprotocols,
                extensions,
                noise,
                trailing,
            },
        )
}

/// A policy that takes WebSocket ahead of nothing the valid requests offer first.
pub fn websocket_policy() -> impl Strategy<Value = Policy> {
    (
        vec(any::<u8>(), 0..4),
        any::<bool>(),
        option::of((
            any::<bool>(),
            any::<bool>(),
            option::of(any::<u8>()),
            option::of(any::<u8>()),
        )),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(subprotocols, server_order, deflate, require_upgrade)| Policy {
                protocols: vec![0],
                subprotocols,
                server_order,
                deflate: deflate.map(|(snct, cnct, smwb, cmwb)| DeflateWishes {
                    server_no_context_takeover: snct,
                    client_no_context_takeover: cnct,
                    server_max_window_bits: smwb,
                    client_max_window_bits: cmwb,
                }),
                require_upgrade,
                origins: OriginRule::Any,
                require_origin: false,
                allow_body: false,
                hosts: HostRule::Any,
            },
        )
}

/// Any policy, including ones that take other protocols, check Origins or allow bodies.
pub fn any_policy() -> impl Strategy<Value = Policy> {
    (
        websocket_policy(),
        vec(0u8..4, 0..4),
        origin_rule(),
        prop::bool::weighted(0.2),
        any::<bool>(),
        host_rule(),
    )
        .prop_map(
            |(mut policy, protocols, origins, require_origin, allow_body, hosts)| {
                policy.hosts = hosts;
                policy.protocols = protocols;
                policy.origins = origins;
                policy.require_origin = require_origin;
                policy.allow_body = allow_body;
                policy
            },
        )
}

/// A rendering of a given field count: a shuffled order, random casing, OWS, splits, empties.
pub fn rendering() -> impl Strategy<Value = Rendering> {
    (
        Just((0u16..48).collect::<Vec<u16>>()).prop_shuffle(),
        vec(any::<bool>(), 0..12),
        vec(any::<u8>(), 0..8),
        any::<u32>(),
        any::<bool>(),
    )
        .prop_map(
            |(order, casing, ows, split_mask, empty_elements)| Rendering {
                order,
                casing,
                ows,
                split_mask,
                empty_elements,
                padding: 0,
            },
        )
}

/// One fault of each kind, with a wrong version drawn from the pool.
pub fn fault() -> impl Strategy<Value = Fault> {
    (0..Fault::ALL.len(), any::<u8>()).prop_map(|(index, version)| match Fault::ALL[index] {
        Fault::WrongVersion(_) => Fault::WrongVersion(version),
        other => other,
    })
}

/// Arbitrary models, valid or not in any number of ways.
pub fn any_handshake() -> impl Strategy<Value = Handshake> {
    (
        valid_handshake(),
        prop_oneof![Just(Method::Get), Just(Method::Post), Just(Method::Head)],
        prop::bool::weighted(0.1),
        prop_oneof![8 => Just(Presence::Once), 1 => Just(Presence::Missing), 1 => Just(Presence::Twice)],
        prop_oneof![
            8 => Just(KeyField::Valid), 1 => Just(KeyField::Missing), 1 => Just(KeyField::Twice),
            1 => Just(KeyField::Short), 1 => Just(KeyField::BadCharacter), 1 => Just(KeyField::Unpadded)
        ],
        prop_oneof![
            8 => Just(VersionField::Thirteen), 1 => Just(VersionField::Missing),
            1 => Just(VersionField::Twice), 1 => any::<u8>().prop_map(VersionField::Other)
        ],
        vec((any::<u8>(), option::of(any::<u8>())), 0..4),
        vec(any::<u8>(), 0..4),
        (
            prop_oneof![3 => 0..VALID_HOSTS, 1 => any::<u8>()],
            any::<u8>(),
            framing(),
            option::of(any::<u8>()),
            vec(any_extension_offer(), 0..4),
            prop_oneof![2 => Just(vec![0u8]), 1 => vec(any::<u8>(), 0..3)],
        ),
    )
        .prop_map(|(mut model, method, http10, host_presence, key, version, upgrade, connection, (host, path, framing, expect, extensions, http2_settings))| {
            model.http2_settings = http2_settings;
            model.host = host;
            model.path = path;
            model.framing = framing;
            model.expect = expect;
            model.extensions = extensions;
            model.method = method;
            model.http10 = http10;
            model.host_presence = host_presence;
            model.key = key;
            model.version = version;
            if !upgrade.is_empty() || connection.len() == 1 {
                model.upgrade = upgrade.into_iter().map(|(name, version)| ProtocolOffer { name, version }).collect();
            }
            if connection.len() > 1 {
                model.connection = connection;
            }
            model
        })
}

/// Response dressings: up to ten interim heads (over the client's bound of eight), folds.
pub fn response_rendering() -> impl Strategy<Value = crate::response::ResponseRendering> {
    (
        prop_oneof![4 => vec(any::<u8>(), 0..3), 1 => vec(any::<u8>(), 7..11)],
        vec(any::<bool>(), 0..6),
    )
        .prop_map(|(interim, folds)| crate::response::ResponseRendering { interim, folds })
}

/// Client cases: mostly well-formed answers, so that every later check is reached, each
/// field wrong with a fair chance (near misses of the accept, undeclared subprotocols,
/// deflate answers that do not answer the offer).
pub fn client_case() -> impl Strategy<Value = crate::client_reference::ClientCase> {
    use crate::client_reference::*;
    let accept = prop_oneof![
        6 => Just(AcceptField::Valid),
        1 => Just(AcceptField::Missing),
        1 => Just(AcceptField::Twice),
        1 => any::<u8>().prop_map(AcceptField::OneCharOff),
        1 => Just(AcceptField::Unpadded),
        1 => Just(AcceptField::KeyEchoed),
    ];
    let subprotocol = prop_oneof![
        3 => Just(SubprotocolAnswer::None),
        3 => any::<u8>().prop_map(SubprotocolAnswer::Offered),
        1 => any::<u8>().prop_map(SubprotocolAnswer::Pool),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| SubprotocolAnswer::Two(a, b)),
    ];
    let bits = prop_oneof![4 => 8u8..=15, 1 => any::<u8>()];
    let deflate_answer = (
        any::<bool>(),
        any::<bool>(),
        option::of(bits.clone()),
        option::of(prop_oneof![4 => bits.prop_map(Some), 1 => Just(None)]),
        prop::bool::weighted(0.1),
        repeated_param(),
    )
        .prop_map(
            |(snct, cnct, smwb, cmwb, unknown, repeated)| DeflateAnswerModel {
                server_no_context_takeover: snct,
                client_no_context_takeover: cnct,
                server_max_window_bits: smwb,
                client_max_window_bits: cmwb,
                unknown_param: unknown,
                repeated_param: repeated,
            },
        );
    let answer = prop_oneof![
        2 => deflate_answer.prop_map(ExtensionAnswer::Deflate),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(offer, edit)| ExtensionAnswer::NearMiss { offer, edit }),
        1 => any::<u8>().prop_map(ExtensionAnswer::Other),
    ];
    (
        any::<[u8; 16]>(),
        vec(any::<u8>(), 0..4),
        vec(any_extension_offer(), 0..4),
        prop::bool::weighted(0.05),
        prop_oneof![8 => Just(0u8), 1 => any::<u8>()],
        prop_oneof![8 => 0u8..2, 1 => any::<u8>()],
        prop_oneof![8 => 0u8..4, 1 => any::<u8>()],
        accept,
        subprotocol,
        vec(answer, 0..6),
    )
        .prop_map(
            |(
                nonce,
                offered_subprotocols,
                offered_extensions,
                http10,
                status,
                upgrade,
                connection,
                accept,
                subprotocol,
                extensions,
            )| {
                ClientCase {
                    nonce,
                    offered_subprotocols,
                    offered_extensions,
                    http10,
                    status,
                    upgrade,
                    connection,
                    accept,
                    subprotocol,
                    extensions,
                }
            },
        )
}

/// How a split read cuts its input: one byte per call, random chunk sizes, or inside every
/// CRLF and mid-line.
pub fn chunking() -> impl Strategy<Value = crate::split_reads::Chunking> {
    use crate::split_reads::Chunking;
    prop_oneof![
        1 => Just(Chunking::OneByte),
        2 => vec(1usize..300, 1..8).prop_map(Chunking::Sizes),
        1 => Just(Chunking::InsideLines),
    ]
}
