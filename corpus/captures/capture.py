#!/usr/bin/env python3
"""Capture real WebSocket opening handshakes on 127.0.0.1 (bounded, no other address).

Requests: a loopback listener records the exact bytes each real client sends, answers a
correct 101 so the client is satisfied, and closes. Responses: real servers (python
websockets, node ws) are sent a fixed request with the RFC 6455 sample key and their
exact response head is recorded.

Needs: chromium, curl, node with `ws` (NODE_PATH), python websockets and aiohttp.
Usage: python3 corpus/captures/capture.py [OUT_DIR]
"""
import asyncio, base64, hashlib, http.server, os, socket, subprocess, sys, tempfile, threading, time

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
DEADLINE = 20.0


def read_head(conn, limit=65536):
    conn.settimeout(DEADLINE)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def accept_for(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def read_body(conn, head):
    """The head plus the Content-Length body bytes after it (bounded by DEADLINE)."""
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1].strip())
    end = head.index(b"\r\n\r\n") + 4
    while len(head) < end + length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        head += chunk
    return head[: end + length]


def capture_request(name, run_client, answer=True, with_body=False):
    """Listen once, run the client, save what it sent (the head, and its body if asked)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(DEADLINE)
    port = listener.getsockname()[1]
    result = {}

    def serve():
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            return
        with conn:
            head = read_head(conn)
            if with_body:
                head = read_body(conn, head)
            result["head"] = head
            if not answer:
                return
            fields = {}
            for line in head.split(b"\r\n")[1:]:
                if b":" in line:
                    k, v = line.split(b":", 1)
                    fields[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
            if "sec-websocket-key" in fields:
                reply = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n" % accept_for(fields["sec-websocket-key"]))
                if "sec-websocket-protocol" in fields:
                    reply += "Sec-WebSocket-Protocol: %s\r\n" % fields["sec-websocket-protocol"].split(",")[0].strip()
                conn.sendall((reply + "\r\n").encode())
                # A close frame (status 1000) so the client ends cleanly.
                conn.sendall(b"\x88\x02\x03\xe8")
                time.sleep(0.5)
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        run_client(port)
    except Exception as error:  # the client may complain about the early close; the bytes are what we want
        print(f"  {name}: client said {error!r}")
    thread.join(DEADLINE + 5)
    listener.close()
    head = result.get("head")
    if not head:
        print(f"  {name}: NOTHING CAPTURED")
        return False
    with open(os.path.join(OUT, name + ".http"), "wb") as f:
        f.write(head)
    print(f"  {name}: {len(head)} bytes")
    return True


def run(cmd, **kw):
    return subprocess.run(cmd, timeout=DEADLINE + 10, capture_output=True, **kw)


def python_websockets(port):
    from websockets.sync.client import connect
    with connect(f"ws://127.0.0.1:{port}/chat", subprotocols=["chat", "superchat"], open_timeout=DEADLINE) as ws:
        try:
            ws.recv(timeout=2)
        except Exception:
            pass


def aiohttp_client(port):
    import aiohttp

    async def main():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"http://127.0.0.1:{port}/chat", protocols=("chat",), compress=15,
                                          timeout=aiohttp.ClientWSTimeout(ws_receive=2)) as ws:
                await ws.receive(timeout=2)

    asyncio.run(main())


NODE_CLIENT = """
const WebSocket = require('ws');
const ws = new WebSocket(process.argv[1], ['chat', 'superchat'], { perMessageDeflate: true });
ws.on('open', () => ws.close()); ws.on('error', () => {}); ws.on('close', () => process.exit(0));
setTimeout(() => process.exit(0), 5000);
"""


def node_ws(port):
    run(["node", "-e", NODE_CLIENT, f"ws://127.0.0.1:{port}/chat"])


def curl_websocket(port):
    run(["curl", "-sS", "--http1.1", "--max-time", "3", "-o", "/dev/null",
         "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
         "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: " + SAMPLE_KEY,
         f"http://127.0.0.1:{port}/chat"])


def curl_h2c(port):
    run(["curl", "-sS", "--http2", "--max-time", "3", "-o", "/dev/null", f"http://127.0.0.1:{port}/"])


def curl_h2c_body(port):
    # An h2c upgrade on a POST with a 5-byte body (RFC 7540 §3.2: the body precedes HTTP/2).
    run(["curl", "-sS", "--http2", "--max-time", "3", "-o", "/dev/null", "-d", "hello",
         f"http://127.0.0.1:{port}/upload"])


def curl_websocket_expect(port):
    run(["curl", "-sS", "--http1.1", "--max-time", "3", "-o", "/dev/null",
         "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
         "-H", "Sec-WebSocket-Key: " + SAMPLE_KEY, "-H", "Expect: 100-continue",
         f"http://127.0.0.1:{port}/chat"])


def chromium(port):
    page = f"""<!doctype html><title>ws</title><script>
const ws = new WebSocket("ws://127.0.0.1:{port}/chat", ["chat", "superchat"]);
ws.onopen = () => {{ document.title = "open"; }};
ws.onerror = () => {{ document.title = "error"; }};
</script>"""
    with tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, "index.html"), "w") as f:
            f.write(page)
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=root, **k)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        profile = tempfile.mkdtemp()
        run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
             f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom",
             f"http://127.0.0.1:{httpd.server_address[1]}/index.html"])
        httpd.shutdown()


SAMPLE_REQUEST = ("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: " + SAMPLE_KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Protocol: chat, superchat\r\n"
                  "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")


def capture_response(name, start_server):
    """Start a real server, send the sample request, save the response head."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    server = start_server(port)
    try:
        for _ in range(100):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            print(f"  {name}: server did not start")
            return False
        with conn:
            conn.sendall(SAMPLE_REQUEST.encode())
            head = read_head(conn)
        head = head[: head.index(b"\r\n\r\n") + 4]
        with open(os.path.join(OUT, name + ".http"), "wb") as f:
            f.write(head)
        print(f"  {name}: {len(head)} bytes")
        return True
    finally:
        server.terminate()
        server.wait(10)


PY_SERVER = """
import asyncio, sys
from websockets.asyncio.server import serve
async def echo(ws):
    async for m in ws: await ws.send(m)
async def main():
    async with serve(echo, "127.0.0.1", int(sys.argv[1]), subprotocols=["chat"]):
        await asyncio.sleep(30)
asyncio.run(main())
"""

NODE_SERVER = """
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: +process.argv[1], perMessageDeflate: true,
  handleProtocols: (p) => p.has('chat') ? 'chat' : false });
wss.on('connection', (ws) => ws.on('message', (m) => ws.send(m)));
setTimeout(() => process.exit(0), 30000);
"""


def main():
    os.makedirs(OUT, exist_ok=True)
    only = os.environ.get("CAPTURE_ONLY")
    if only:  # e.g. CAPTURE_ONLY=curl-h2c-body,curl-websocket-expect: just those requests
        clients = {"curl-h2c-body": (curl_h2c_body, dict(answer=False, with_body=True)),
                   "curl-websocket-expect": (curl_websocket_expect, {})}
        ok = all(capture_request(name, clients[name][0], **clients[name][1]) for name in only.split(","))
        sys.exit(0 if ok else 1)
    ok = True
    print("requests:")
    ok &= capture_request("chromium", chromium)
    ok &= capture_request("python-websockets", python_websockets)
    ok &= capture_request("aiohttp", aiohttp_client)
    ok &= capture_request("node-ws", node_ws)
    ok &= capture_request("curl-websocket", curl_websocket)
    ok &= capture_request("curl-h2c", curl_h2c)
    ok &= capture_request("curl-h2c-body", curl_h2c_body, answer=False, with_body=True)
    ok &= capture_request("curl-websocket-expect", curl_websocket_expect)
    print("responses:")
    ok &= capture_response("response-python-websockets",
                           lambda port: subprocess.Popen([sys.executable, "-c", PY_SERVER, str(port)]))
    ok &= capture_response("response-node-ws", lambda port: subprocess.Popen(["node", "-e", NODE_SERVER, str(port)]))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
