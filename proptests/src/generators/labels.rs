//! The labels of a generated case, for [`crate::classes`]: what was generated (role,
//! transport, which rule's near miss, which rendering variation) and what came of it
//! (outcome, reason). Every label is `group=value`.

use crate::model::*;
use crate::reference::Expected;
use crate::render::Rendering;

fn label(group: &str, value: impl std::fmt::Display) -> String {
    format!("{group}={value}")
}

/// The verdict: `outcome=switch|decline|reject`, and `reason=<name>` for the last two.
pub fn verdict(expected: &Expected) -> Vec<String> {
    match expected {
        Expected::WebSocket { .. } => {
            vec![label("outcome", "switch"), label("protocol", "websocket")]
        }
        Expected::Other { .. } => vec![label("outcome", "switch"), label("protocol", "other")],
        Expected::Decline(reason) => vec![label("outcome", "decline"), label("reason", reason)],
        Expected::Reject(reason, _) => vec![label("outcome", "reject"), label("reason", reason)],
    }
}

/// The rendering variations a case used: `rendering=casing|ows|split|empty_elements|reordered|padding`,
/// or `rendering=plain` for none.
pub fn rendering(rendering: &Rendering) -> Vec<String> {
    let mut out = Vec::new();
    if rendering.casing.iter().any(|&flip| flip) {
        out.push(label("rendering", "casing"));
    }
    if rendering.ows.iter().any(|&ows| ows % 4 != 0) {
        out.push(label("rendering", "ows"));
    }
    if rendering.split_mask != 0 {
        out.push(label("rendering", "split"));
    }
    if rendering.empty_elements {
        out.push(label("rendering", "empty_elements"));
    }
    if rendering.order.windows(2).any(|w| w[0] > w[1]) {
        out.push(label("rendering", "reordered"));
    }
    if rendering.padding > 0 {
        out.push(label("rendering", "padding"));
    }
    if out.is_empty() {
        out.push(label("rendering", "plain"));
    }
    out
}

/// The rules a model's request bends, each as `near_miss=<rule>`, and its HTTP version.
pub fn model(model: &Handshake) -> Vec<String> {
    let mut out = vec![
        label("role", "server"),
        label(
            "transport",
            if model.http10 { "http/1.0" } else { "http/1.1" },
        ),
    ];
    let mut near = |rule: &str| out.push(label("near_miss", rule));
    if model.method != Method::Get {
        near("method");
    }
    match model.host_presence {
        Presence::Missing => near("host_missing"),
        Presence::Twice => near("host_twice"),
        Presence::Once if pick(&HOSTS, model.host).1.is_none() => near("host_value"),
        Presence::Once => {}
    }
    if !crate::rfc::request_target_ok(pick(&PATHS, model.path).0) {
        near("target_bytes");
    }
    match pick(&PATHS, model.path).1 {
        Some(None) => near("target_authority"),
        Some(Some(_)) => near("absolute_form"),
        None => {}
    }
    match model.framing {
        Framing::None => {}
        Framing::Length(_) => near("content_length"),
        Framing::LengthRepeated(_) => near("content_length_repeated"),
        Framing::LengthNearMiss { .. } => near("content_length_value"),
        Framing::TransferEncoding(_) => near("transfer_encoding"),
        Framing::Both => near("both_framings"),
    }
    match model.key {
        KeyField::Valid => {}
        KeyField::Missing => near("key_missing"),
        KeyField::Twice => near("key_twice"),
        KeyField::Short | KeyField::BadCharacter | KeyField::Unpadded => near("key_value"),
    }
    match model.version {
        VersionField::Thirteen => {}
        VersionField::Missing => near("version_missing"),
        VersionField::Twice => near("version_twice"),
        VersionField::Other(_) => near("version_value"),
    }
    if model.expect.is_some() {
        near("expect");
    }
    if let Some(origin) = model.origin {
        near(if pick(&ORIGINS, origin).1.is_some() {
            "origin"
        } else {
            "origin_not_serialized"
        });
    }
    if model.upgrade.len() > 1 {
        near("upgrade_list");
    }
    if model
        .extensions
        .iter()
        .any(|e| matches!(e, ExtensionOffer::Other(i) if !pick(&OTHER_EXTENSIONS, *i).1))
    {
        near("extension_grammar");
    }
    if model.noise.iter().len() > 0 {
        near("noise");
    }
    out
}

/// The policy's host and origin rules: `hosts=any|allow_list`, `origins=any|allow_list|same_host`.
pub fn policy(policy: &Policy) -> Vec<String> {
    vec![
        label(
            "hosts",
            match policy.hosts {
                HostRule::Any => "any",
                HostRule::AllowList(_) => "allow_list",
            },
        ),
        label(
            "origins",
            match policy.origins {
                OriginRule::Any => "any",
                OriginRule::AllowList(_) => "allow_list",
                OriginRule::SameHost => "same_host",
            },
        ),
    ]
}

/// Everything of a server case: model, policy, rendering, verdict.
pub fn server_case(
    model_: &Handshake,
    policy_: &Policy,
    rendering_: &Rendering,
    expected: &Expected,
) -> Vec<String> {
    let mut out = model(model_);
    out.extend(policy(policy_));
    out.extend(rendering(rendering_));
    out.extend(verdict(expected));
    out
}
