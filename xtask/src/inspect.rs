//! `cargo xtask inspect`: one file of raw bytes in, one JSON verdict out (the triage tool).

use std::io::Read as _;

use http_upgrade::DeflateParams;
use http_upgrade::Extension;
use http_upgrade::{
    AuthoritySource, Body, ConnectOutcome, DeflatePolicy, Expectation, Handshake, HostPolicy,
    OriginPolicy, Outcome, Reply, ServerPolicy, Status, SubprotocolOrder, WebSocketSwitch,
    EMPTY_HEADER,
};

use crate::json::Object;
use http_upgrade_proptests::oracles::field_section;

/// The server role's JSON keys, in order (the contract: new keys only ever go last).
const SERVER_KEYS: [&str; 12] = [
    "outcome",
    "status",
    "protocol",
    "accept",
    "subprotocol",
    "extensions",
    "consumed",
    "reason",
    "response",
    "body",
    "authority",
    "entry",
];

/// What browsers offer; `--offer-extension permessage-deflate` stands for it.
pub const BROWSER_DEFLATE_OFFER: &str = "permessage-deflate; client_max_window_bits";

/// Which side of the handshake the input is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Role {
    /// A request, judged by a server policy.
    #[default]
    Server,
    /// A server's response, judged by a client's expectation.
    Client,
}

/// How the request arrives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Transport {
    /// An HTTP/1.1 request head, raw.
    #[default]
    #[value(alias = "http/1.1")]
    H1,
    /// An HTTP/2 (or HTTP/3) extended CONNECT as text, one `name: value` per line,
    /// pseudo-headers first (RFC 8441).
    #[value(alias = "h3")]
    H2,
}

/// Which of the crate's entry points judge the input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Entry {
    /// Both, compared: the server's `respond` and `handshake`, the client's `validate` and
    /// `validate_general`; a difference prints both verdicts and exits 2.
    #[default]
    Both,
    /// The hot path a server embeds (`respond`; the client's `validate`): the one pass
    /// where it takes the input, else the general path.
    Respond,
    /// The general path alone (`handshake`; the client's `validate_general`).
    General,
}

/// The only extension the options name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExtensionName {
    /// RFC 7692.
    #[value(name = "permessage-deflate")]
    PermessageDeflate,
}

/// `cargo xtask inspect`: one file of raw bytes (or `-` for stdin) in, one JSON verdict out.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Options {
    /// Which side the input is.
    #[arg(long, value_enum, default_value_t = Role::Server)]
    role: Role,
    /// Server: an Upgrade protocol taken (repeatable; default websocket).
    #[arg(long = "protocol", value_name = "NAME")]
    protocols: Vec<String>,
    /// Server: a subprotocol taken (repeatable).
    #[arg(long = "subprotocol", value_name = "NAME")]
    subprotocols: Vec<String>,
    /// Server: choose subprotocols in the server's order, not the client's.
    #[arg(long)]
    server_preference: bool,
    /// Server: accept this extension.
    #[arg(long = "extension", value_enum)]
    extension: Option<ExtensionName>,
    /// Server: a request that does not upgrade is a 426.
    #[arg(long)]
    require_upgrade: bool,
    /// Server: an Origin allowed (repeatable).
    #[arg(long = "origin", value_name = "ORIGIN", conflicts_with = "same_origin")]
    origins: Vec<String>,
    /// Server: the Origin must name the request's own host.
    #[arg(long)]
    same_origin: bool,
    /// Server: a WebSocket handshake without Origin is refused.
    #[arg(long)]
    require_origin: bool,
    /// Server: a non-WebSocket upgrade may carry a body.
    #[arg(long)]
    allow_body: bool,
    /// Server: a host answered for, `host[:port]` or `*.domain[:port]` (repeatable;
    /// default: any host).
    #[arg(long = "allow-host", value_name = "HOST")]
    allow_hosts: Vec<String>,
    /// Which entry points judge the input (HTTP/1.1 only: an extended CONNECT has one).
    #[arg(long, value_enum, default_value_t = Entry::Both)]
    entry: Entry,
    /// Server: how the request arrives.
    #[arg(long, value_enum, default_value_t = Transport::H1)]
    transport: Transport,
    /// Client: the Sec-WebSocket-Key the client sent.
    #[arg(long, required_if_eq("role", "client"))]
    key: Option<String>,
    /// Client: a subprotocol the client offered (repeatable).
    #[arg(long = "offer-subprotocol", value_name = "NAME")]
    offer_subprotocols: Vec<String>,
    /// Client: the extension the client offered (as browsers offer it).
    #[arg(long = "offer-extension", value_enum)]
    offer_extension: Option<ExtensionName>,
    /// The input file, or `-` for standard input.
    file: String,
}

impl Options {
    fn client(&self) -> bool {
        self.role == Role::Client
    }
    fn deflate(&self) -> bool {
        self.extension.is_some()
    }
    fn offer_deflate(&self) -> bool {
        self.offer_extension.is_some()
    }
    fn h2(&self) -> bool {
        self.transport == Transport::H2
    }
    fn protocols(&self) -> Vec<String> {
        if self.protocols.is_empty() {
            vec!["websocket".to_string()]
        } else {
            self.protocols.clone()
        }
    }
}

/// Parses inspect's flags as the command line does (for callers that build them).
#[cfg(test)]
pub(crate) fn parse(args: &[String]) -> anyhow::Result<Options> {
    use clap::Parser as _;
    #[derive(clap::Parser)]
    struct Wrapper {
        #[command(flatten)]
        options: Options,
    }
    Wrapper::try_parse_from(std::iter::once("inspect".to_string()).chain(args.iter().cloned()))
        .map(|w| w.options)
        .map_err(anyhow::Error::from)
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(file)
    }
}

/// Runs inspect; prints the JSON object and returns the exit code: 0, or 2 when the two
/// entry points disagree.
pub fn run(options: &Options) -> i32 {
    let file = options.file.as_str();
    let bytes = match read_input(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("cannot read {file}: {error}");
            return 1;
        }
    };
    let json = if options.client() {
        client(options, &bytes)
    } else {
        server(options, &bytes)
    };
    println!("{}", json.render());
    if json.get("entry") == Some(&serde_json::Value::from(DIFFER)) {
        eprintln!("the two entry points disagree on this input: both verdicts are above");
        2
    } else {
        0
    }
}

/// The `entry` of a disagreement, whose object holds both verdicts.
const DIFFER: &str = "differ";

/// Puts the chosen entry points' verdicts together: the one asked for, or, for both, one
/// object when they agree (every key but `entry`) and both under their names when not.
fn judged(
    entry: Entry,
    (first, mut first_json): (&str, Object),
    (second, mut general): (&'static str, Object),
) -> Object {
    match entry {
        Entry::Respond => first_json,
        Entry::General => {
            general.set("entry", second);
            general
        }
        Entry::Both => {
            let how = first_json.get("entry").cloned();
            first_json.set("entry", None::<&str>);
            general.set("entry", None::<&str>);
            if first_json.render() == general.render() {
                let how = how.as_ref().and_then(|v| v.as_str()).unwrap_or_default();
                first_json.set("entry", format!("both agree ({how})").as_str());
                first_json
            } else {
                let mut both = Object::default();
                both.set("entry", DIFFER);
                both.set_object(first, first_json);
                both.set_object(second, general);
                both
            }
        }
    }
}

/// Renders the permessage-deflate answer as a Sec-WebSocket-Extensions value.
pub fn deflate_text(params: &DeflateParams) -> String {
    params.to_string()
}

/// Renders accepted extensions as one Sec-WebSocket-Extensions value.
fn extensions_text(extensions: &[Option<Extension<'_>>]) -> Option<String> {
    let texts: Vec<String> = extensions
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    (!texts.is_empty()).then(|| texts.join(", "))
}

pub(crate) fn server(options: &Options, bytes: &[u8]) -> Object {
    let protocols = options.protocols();
    let protocols: Vec<&str> = protocols.iter().map(String::as_str).collect();
    let subprotocols: Vec<&str> = options.subprotocols.iter().map(String::as_str).collect();
    let origins: Vec<&str> = options.origins.iter().map(String::as_str).collect();
    let hosts: Vec<&str> = options.allow_hosts.iter().map(String::as_str).collect();
    let policy = ServerPolicy {
        protocols: &protocols,
        subprotocols: &subprotocols,
        subprotocol_order: if options.server_preference {
            SubprotocolOrder::Server
        } else {
            SubprotocolOrder::Client
        },
        deflate: options.deflate().then(DeflatePolicy::default),
        require_upgrade: options.require_upgrade,
        origins: match (options.same_origin, origins.is_empty()) {
            (true, _) => OriginPolicy::SameHost,
            (false, false) => OriginPolicy::AllowList(&origins),
            (false, true) => OriginPolicy::Any,
        },
        require_origin: options.require_origin,
        allow_body: options.allow_body,
        hosts: if hosts.is_empty() {
            HostPolicy::Any
        } else {
            HostPolicy::AllowList(&hosts)
        },
        limits: http_upgrade::Limits::DEFAULT,
    };
    if options.h2() {
        return connect(&policy, bytes);
    }
    let mut headers = [EMPTY_HEADER; 64];
    let general = handshake_json(&policy, policy.handshake(bytes, &mut headers));
    let mut headers = [EMPTY_HEADER; 64];
    let mut out = [0u8; 4096];
    let respond = match policy.respond(bytes, &mut headers, &mut out) {
        Status::Complete(Reply::WebSocket(switch)) => {
            let mut json = one_pass_json(&switch, &out[..switch.written]);
            json.set("entry", "respond took the one pass");
            json
        }
        Status::Complete(Reply::Handshake(handshake)) => {
            let mut json = handshake_json(&policy, Status::Complete(handshake));
            json.set("entry", "respond took the general path");
            json
        }
        Status::Partial => {
            let mut json = handshake_json(&policy, Status::Partial);
            json.set("entry", "respond");
            json
        }
    };
    judged(options.entry, ("respond", respond), ("handshake", general))
}

/// A JSON object with every server key, null.
fn server_object() -> Object {
    let mut json = Object::default();
    for key in SERVER_KEYS {
        json.set(key, None::<&str>);
    }
    json
}

/// The general path's verdict (`handshake`, or what `respond` gave back).
fn handshake_json(policy: &ServerPolicy<'_>, handshake: Status<Handshake<'_>>) -> Object {
    let mut json = server_object();
    let Status::Complete(handshake) = handshake else {
        json.set("outcome", "incomplete");
        return json;
    };
    json.set("consumed", handshake.consumed.map(|c| c as u64));
    json.set("status", handshake.outcome.status().map(u64::from));
    match &handshake.outcome {
        Outcome::Switch(accepted) => {
            json.set("outcome", "switch");
            json.set("protocol", accepted.protocol.text);
            let body = match accepted.body {
                Body::None => "none".to_string(),
                Body::Length(n) => format!("length {n}"),
                Body::Chunked => "chunked".to_string(),
            };
            json.set("body", body.as_str());
            let authority = String::from_utf8_lossy(accepted.authority.text);
            let source = match accepted.authority_source {
                AuthoritySource::Host => "host",
                AuthoritySource::Target => "target",
            };
            json.set("authority", format!("{authority} (from {source})").as_str());
            if let Some(websocket) = &accepted.websocket {
                json.set("protocol", "websocket");
                json.set("accept", websocket.accept.as_str());
                json.set("subprotocol", websocket.subprotocol);
                let extensions = websocket.deflate.as_ref().map(deflate_text);
                json.set("extensions", extensions.as_deref());
            }
        }
        Outcome::Decline(reason) => {
            json.set("outcome", "decline");
            json.set("reason", reason.name());
        }
        Outcome::Reject(reason) => {
            json.set("outcome", "reject");
            json.set("reason", reason.name());
        }
    }
    if !matches!(handshake.outcome, Outcome::Decline(_)) {
        let mut buf = [0u8; 4096];
        match policy.write_response(&handshake.outcome, &mut buf) {
            Ok(len) => json.set("response", String::from_utf8_lossy(&buf[..len]).as_ref()),
            Err(error) => json
                .set("response", None::<&str>)
                .set("reason", error.to_string().as_str()),
        };
    }
    json
}

/// The one pass's switch, in the general path's terms; `written` is its 101.
fn one_pass_json(switch: &WebSocketSwitch<'_>, written: &[u8]) -> Object {
    let mut json = server_object();
    let response = String::from_utf8_lossy(written);
    let accept = response
        .lines()
        .find_map(|line| line.strip_prefix("Sec-WebSocket-Accept: "))
        .map(str::to_string);
    json.set("outcome", "switch")
        .set("status", Some(101u64))
        .set("protocol", "websocket")
        .set("accept", accept.as_deref())
        .set("subprotocol", switch.subprotocol);
    let extensions = switch.deflate.as_ref().map(deflate_text);
    json.set("extensions", extensions.as_deref())
        .set("consumed", Some(switch.consumed as u64))
        .set("response", response.as_ref())
        .set("body", "none");
    let host = String::from_utf8_lossy(switch.host);
    json.set("authority", format!("{host} (from host)").as_str());
    json
}

/// The JSON verdict on an extended CONNECT (RFC 8441, RFC 9220): the same keys as the
/// HTTP/1.1 server role; `response` is the status and the fields, one per line.
fn connect(policy: &ServerPolicy<'_>, bytes: &[u8]) -> Object {
    let section = field_section(bytes);
    let fields: Vec<http_upgrade::Header<'_>> = section
        .iter()
        .map(|(name, value)| http_upgrade::Header { name, value })
        .collect();
    let mut json = server_object();
    json.set("entry", "negotiate_connect");
    let outcome = policy.negotiate_connect(&fields);
    match &outcome {
        ConnectOutcome::Accept(accepted) => {
            json.set("outcome", "accept");
            json.set("protocol", accepted.protocol.text);
            let authority = String::from_utf8_lossy(accepted.authority.text);
            json.set(
                "authority",
                format!("{authority} (from :authority)").as_str(),
            );
            if let Some(websocket) = &accepted.websocket {
                json.set("subprotocol", websocket.subprotocol);
                let extensions = websocket.deflate.as_ref().map(deflate_text);
                json.set("extensions", extensions.as_deref());
            }
        }
        ConnectOutcome::Decline(reason) => {
            json.set("outcome", "decline");
            json.set("reason", reason.name());
        }
        ConnectOutcome::Reject(reason) => {
            json.set("outcome", "reject");
            json.set("reason", reason.name());
        }
    }
    let mut buf = [0u8; 512];
    if let Ok(response) = policy.connect_response(&outcome, &mut buf) {
        if response.status != 0 {
            json.set("status", Some(u64::from(response.status)));
            let mut text = format!(":status: {}", response.status);
            for (name, value) in response.fields() {
                text.push_str(&format!("\n{name}: {}", String::from_utf8_lossy(value)));
            }
            json.set("response", text.as_str());
        }
    }
    json
}

fn client(options: &Options, bytes: &[u8]) -> Object {
    let subprotocols: Vec<&str> = options
        .offer_subprotocols
        .iter()
        .map(String::as_str)
        .collect();
    let offers = options
        .offer_deflate()
        .then_some(BROWSER_DEFLATE_OFFER.as_bytes());
    let key = options.key.as_deref().unwrap_or_default();
    let Some(expectation) = Expectation::for_key(key.as_bytes(), &subprotocols, offers) else {
        let mut json = client_object();
        json.set("outcome", "failed")
            .set("reason", "invalid_key_option");
        return json;
    };
    let mut headers = [EMPTY_HEADER; 64];
    let mut validate = validated_json(expectation.validate(bytes, &mut headers));
    validate.set("entry", "validate");
    let mut headers = [EMPTY_HEADER; 64];
    let general = validated_json(expectation.validate_general(bytes, &mut headers));
    judged(
        options.entry,
        ("validate", validate),
        ("validate_general", general),
    )
}

/// A JSON object with every client key, null.
fn client_object() -> Object {
    let mut json = Object::default();
    for key in [
        "outcome",
        "status",
        "subprotocol",
        "extensions",
        "consumed",
        "reason",
        "entry",
    ] {
        json.set(key, None::<&str>);
    }
    json
}

/// The client's verdict on a response.
fn validated_json(
    result: Result<Status<http_upgrade::Established<'_>>, http_upgrade::ClientError>,
) -> Object {
    let mut json = client_object();
    match result {
        Ok(Status::Partial) => {
            json.set("outcome", "incomplete");
        }
        Ok(Status::Complete(established)) => {
            json.set("outcome", "established")
                .set("status", Some(101u64));
            json.set("subprotocol", established.subprotocol);
            json.set(
                "extensions",
                extensions_text(&established.extensions).as_deref(),
            );
            json.set("consumed", Some(established.consumed as u64));
        }
        Err(error) => {
            json.set("outcome", "failed");
            json.set("status", error.status().map(u64::from));
            json.set("reason", error.name());
        }
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(name: &str) -> Vec<u8> {
        std::fs::read(
            crate::base::paths::root()
                .join("corpus/captures")
                .join(name),
        )
        .expect("capture")
    }

    fn options(args: &[&str]) -> Options {
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push("-".into());
        parse(&args).expect("options")
    }

    #[test]
    fn server_json_has_every_key_in_order() {
        let json = server(
            &options(&["--subprotocol", "chat", "--extension", "permessage-deflate"]),
            &capture("chromium.http"),
        )
        .render();
        assert!(json.starts_with("{\"outcome\": \"switch\", \"status\": 101, \"protocol\": \"websocket\", \"accept\": "), "{json}");
        assert!(json.contains("\"subprotocol\": \"chat\", \"extensions\": \"permessage-deflate\", \"consumed\": 542, \"reason\": null, \"response\": \"HTTP/1.1 101"), "{json}");
    }

    #[test]
    fn incomplete_decline_and_reject() {
        let json = server(&options(&[]), b"GET / HTTP/1.1\r\nHo").render();
        assert!(
            json.starts_with("{\"outcome\": \"incomplete\", \"status\": null"),
            "{json}"
        );
        let json = server(&options(&[]), &capture("curl-h2c.http")).render();
        assert!(
            json.contains("\"outcome\": \"decline\"")
                && json.contains("\"reason\": \"unsupported_protocol\"")
                && json.contains("\"response\": null"),
            "{json}"
        );
        let json = server(&options(&["--require-upgrade"]), &capture("curl-h2c.http")).render();
        assert!(
            json.contains("\"status\": 426") && json.contains("\"reason\": \"upgrade_required\""),
            "{json}"
        );
    }

    #[test]
    fn h2_transport_reads_the_text_form() {
        let request = b":method: CONNECT\n:protocol: websocket\n:scheme: https\n:path: /chat\n\
:authority: example.com\nsec-websocket-version: 13\nsec-websocket-protocol: chat\n";
        let json = connect(
            &ServerPolicy {
                subprotocols: &["chat"],
                ..ServerPolicy::websocket()
            },
            request,
        )
        .render();
        assert!(
            json.starts_with(
                "{\"outcome\": \"accept\", \"status\": 200, \"protocol\": \"websocket\""
            ),
            "{json}"
        );
        assert!(
            json.contains("\"response\": \":status: 200\\nsec-websocket-protocol: chat\""),
            "{json}"
        );
        let refused = connect(
            &ServerPolicy::websocket(),
            b":method: CONNECT\n:protocol: websocket\n",
        )
        .render();
        assert!(
            refused.contains("\"reason\": \"invalid_pseudo_headers\""),
            "{refused}"
        );
    }

    #[test]
    fn client_role() {
        let opts = options(&[
            "--role",
            "client",
            "--key",
            "dGhlIHNhbXBsZSBub25jZQ==",
            "--offer-subprotocol",
            "chat",
            "--offer-extension",
            "permessage-deflate",
        ]);
        let json = client(&opts, &capture("response-node-ws.http")).render();
        assert_eq!(json, "{\"outcome\": \"established\", \"status\": 101, \"subprotocol\": \"chat\", \"extensions\": \"permessage-deflate\", \"consumed\": 205, \"reason\": null, \"entry\": \"both agree (validate)\"}");
        let json = client(
            &options(&["--role", "client", "--key", "AAAAAAAAAAAAAAAAAAAAAA=="]),
            &capture("response-node-ws.http"),
        )
        .render();
        assert!(
            json.contains("\"outcome\": \"failed\"")
                && json.contains("\"reason\": \"accept_mismatch\""),
            "{json}"
        );
    }

    #[test]
    fn both_entry_points_run_and_each_can_be_picked() {
        let chromium = capture("chromium.http");
        // Built with --cfg http_upgrade_general_only, respond never takes the one pass.
        let path = if cfg!(http_upgrade_general_only) {
            "the general path"
        } else {
            "the one pass"
        };
        let both = server(&options(&[]), &chromium).render();
        assert!(
            both.ends_with(&format!(
                "\"entry\": \"both agree (respond took {path})\"}}"
            )),
            "{both}"
        );
        let respond = server(&options(&["--entry", "respond"]), &chromium).render();
        assert!(
            respond.ends_with(&format!("\"entry\": \"respond took {path}\"}}")),
            "{respond}"
        );
        let general = server(&options(&["--entry", "general"]), &chromium).render();
        assert!(general.ends_with("\"entry\": \"handshake\"}"), "{general}");
        // Apart from the entry, the one pass and the general path print the same verdict.
        let strip = |json: &str| json[..json.find("\"entry\"").expect("an entry")].to_string();
        assert_eq!(strip(&respond), strip(&general));
        let declined = server(&options(&[]), &capture("curl-h2c.http")).render();
        assert!(
            declined.contains("respond took the general path"),
            "{declined}"
        );
    }

    #[test]
    fn a_disagreement_prints_both_verdicts() {
        let mut one = server_object();
        one.set("outcome", "switch")
            .set("entry", "respond took the one pass");
        let mut other = server_object();
        other.set("outcome", "reject");
        let json = judged(Entry::Both, ("respond", one), ("handshake", other));
        assert_eq!(json.get("entry"), Some(&serde_json::Value::from(DIFFER)));
        let text = json.render();
        assert!(
            text.starts_with("{\"entry\": \"differ\", \"respond\": {\"outcome\": \"switch\"")
                && text.contains("\"handshake\": {\"outcome\": \"reject\""),
            "{text}"
        );
        // Every capture: the two entry points agree, on both roles.
        for entry in
            std::fs::read_dir(crate::base::paths::root().join("corpus/captures")).expect("captures")
        {
            let path = entry.expect("an entry").path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let bytes = std::fs::read(&path).expect("a capture");
            let json = if name.starts_with("response-") {
                client(
                    &options(&["--role", "client", "--key", "dGhlIHNhbXBsZSBub25jZQ=="]),
                    &bytes,
                )
            } else {
                server(
                    &options(&["--subprotocol", "chat", "--extension", "permessage-deflate"]),
                    &bytes,
                )
            };
            assert_ne!(
                json.get("entry"),
                Some(&serde_json::Value::from(DIFFER)),
                "{name}: {}",
                json.render()
            );
        }
    }

    #[test]
    fn allow_host_refuses_a_rebinding_page() {
        let request = b"GET /ws HTTP/1.1\r\nHost: attacker.example:8080\r\nOrigin: http://attacker.example:8080\r\n\
Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Sec-WebSocket-Version: 13\r\n\r\n";
        let open = server(&options(&["--same-origin"]), request).render();
        assert!(open.contains("\"status\": 101"), "{open}");
        let guarded = server(
            &options(&[
                "--same-origin",
                "--allow-host",
                "localhost",
                "--allow-host",
                "127.0.0.1",
            ]),
            request,
        )
        .render();
        assert!(
            guarded.contains("\"status\": 421")
                && guarded.contains("\"reason\": \"host_not_allowed\"")
                && guarded.contains("HTTP/1.1 421 Misdirected Request")
                && guarded.contains("both agree"),
            "{guarded}"
        );
    }

    #[test]
    fn h2c_over_extended_connect_is_refused() {
        let request =
            b":method: CONNECT\n:protocol: h2c\n:scheme: https\n:path: /\n:authority: h\n";
        let json = server(
            &options(&["--transport", "h2", "--protocol", "h2c"]),
            request,
        )
        .render();
        assert!(
            json.contains("\"status\": 400") && json.contains("\"reason\": \"http2_over_connect\""),
            "{json}"
        );
    }
}
