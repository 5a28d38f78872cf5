//! Each proxy's configuration, as its project documents it for WebSockets, and a second,
//! permissive one where the project's documented form is narrower: Upgrade forwarded for any
//! protocol, connections to the backend reused. Every one denies `/internal` at the proxy
//! (403): a request for it that reaches the backend went past the proxy's rules.

use std::path::Path;

use crate::base::process::{cmd, Cmd};

/// A reverse proxy from Debian's packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proxy {
    /// Its name in the results.
    pub name: &'static str,
    /// The program that runs it.
    pub binary: &'static str,
    /// The Debian package that installs it.
    pub package: &'static str,
    /// Its configurations: the documented one first.
    pub variants: &'static [Variant],
}

/// One configuration of a proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    /// Its name in the results.
    pub name: &'static str,
    /// Where its form comes from, for the results table.
    pub source: &'static str,
}

/// Every proxy the suite knows.
pub const PROXIES: [Proxy; 4] = [
    Proxy {
        name: "nginx",
        binary: "nginx",
        package: "nginx-light",
        variants: &[
            Variant {
                name: "documented",
                source: "nginx.org/en/docs/http/websocket.html: map $http_upgrade, Connection upgrade|close",
            },
            Variant {
                name: "permissive",
                source: "the same with an upstream keepalive pool (backend connections reused)",
            },
        ],
    },
    Proxy {
        name: "haproxy",
        binary: "haproxy",
        package: "haproxy",
        variants: &[
            Variant {
                name: "documented",
                source: "HAProxy's WebSocket guide: mode http, timeout tunnel (any Upgrade forwarded)",
            },
            Variant {
                name: "permissive",
                source: "the same with http-reuse always",
            },
        ],
    },
    Proxy {
        name: "apache",
        binary: "apache2",
        package: "apache2",
        variants: &[
            Variant {
                name: "documented",
                source: "mod_proxy_http ProxyPass upgrade=websocket (mod_proxy_wstunnel loaded)",
            },
            Variant {
                name: "permissive",
                source: "ProxyPass upgrade=ANY: every Upgrade protocol forwarded",
            },
        ],
    },
    Proxy {
        name: "caddy",
        binary: "caddy",
        package: "caddy",
        variants: &[Variant {
            name: "documented",
            source: "reverse_proxy (Caddy forwards every Upgrade and reuses backend connections by default)",
        }],
    },
];

/// Writes the configuration of `proxy`/`variant` into `dir` and returns the command that
/// runs the proxy in the foreground on 127.0.0.1:`port` in front of `backend`.
pub fn prepare(proxy: &Proxy, variant: &str, dir: &Path, port: u16, backend: u16) -> Cmd {
    let d = dir.display();
    let permissive = variant == "permissive";
    match proxy.name {
        "nginx" => {
            let (connection_default, keepalive) = if permissive {
                ("''", "keepalive 8;")
            } else {
                ("close", "")
            };
            let text = format!(
                "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
error_log {d}/error.log warn;\nevents {{ worker_connections 256; }}\nhttp {{\n  access_log off;\n\
  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n\
  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
  map $http_upgrade $connection_upgrade {{ default upgrade; '' {connection_default}; }}\n\
  upstream backend {{ server 127.0.0.1:{backend}; {keepalive} }}\n  server {{\n\
    listen 127.0.0.1:{port};\n    location /internal {{ return 403; }}\n    location / {{\n\
      proxy_pass http://backend;\n      proxy_http_version 1.1;\n\
      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n\
      proxy_set_header Host $host;\n      proxy_read_timeout 5s;\n    }}\n  }}\n}}\n"
            );
            write(dir, "nginx.conf", &text);
            cmd(proxy.binary)
                .arg("-p")
                .arg(dir)
                .arg("-e")
                .arg(dir.join("error.log"))
                .arg("-c")
                .arg(dir.join("nginx.conf"))
        }
        "haproxy" => {
            let reuse = if permissive {
                "  http-reuse always\n"
            } else {
                ""
            };
            let text = format!(
                "global\n  maxconn 256\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n\
  timeout server 5s\n  timeout tunnel 5s\n{reuse}frontend fe\n  bind 127.0.0.1:{port}\n\
  http-request deny deny_status 403 if {{ path_beg /internal }}\n  default_backend be\n\
backend be\n  server s1 127.0.0.1:{backend}\n"
            );
            write(dir, "haproxy.cfg", &text);
            cmd(proxy.binary)
                .arg("-f")
                .arg(dir.join("haproxy.cfg"))
                .arg("-db")
        }
        "apache" => {
            let upgrade = if permissive { "ANY" } else { "websocket" };
            let modules = "/usr/lib/apache2/modules";
            let text = format!(
                "ServerRoot \"{d}\"\nDefaultRuntimeDir \"{d}\"\nPidFile \"{d}/httpd.pid\"\n\
ErrorLog \"{d}/error.log\"\nLogLevel warn\nMutex file:{d} default\nListen 127.0.0.1:{port}\n\
ServerName localhost\nUser nobody\nGroup nogroup\n\
LoadModule mpm_event_module {modules}/mod_mpm_event.so\n\
LoadModule authz_core_module {modules}/mod_authz_core.so\n\
LoadModule proxy_module {modules}/mod_proxy.so\n\
LoadModule proxy_http_module {modules}/mod_proxy_http.so\n\
LoadModule proxy_wstunnel_module {modules}/mod_proxy_wstunnel.so\n\
ProxyTimeout 5\nProxyPreserveHost On\n\
<Location \"/internal\">\n  Require all denied\n</Location>\n\
ProxyPass \"/\" \"http://127.0.0.1:{backend}/\" upgrade={upgrade}\n"
            );
            write(dir, "httpd.conf", &text);
            cmd(proxy.binary)
                .arg("-f")
                .arg(dir.join("httpd.conf"))
                .arg("-DFOREGROUND")
        }
        _ => {
            let text = format!(
                "{{\n  admin off\n  auto_https off\n  storage file_system {d}/data\n}}\n\
http://:{port} {{\n  bind 127.0.0.1\n  respond /internal* 403\n  reverse_proxy 127.0.0.1:{backend}\n}}\n"
            );
            write(dir, "Caddyfile", &text);
            cmd(proxy.binary)
                .args(["run", "--adapter", "caddyfile", "--config"])
                .arg(dir.join("Caddyfile"))
                .env("HOME", dir)
                .env("XDG_DATA_HOME", dir.join("data"))
                .env("XDG_CONFIG_HOME", dir.join("config"))
        }
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let _ = std::fs::create_dir_all(dir);
    std::fs::write(dir.join(name), text).expect("the proxy's directory is writable");
}
