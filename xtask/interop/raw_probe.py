"""Interop probe: a raw socket sends one request and prints the response head's status line
and whether it names Sec-WebSocket-Version: 13."""
import socket, sys

port, version = int(sys.argv[1]), sys.argv[2]
request = ("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: %s\r\n\r\n" % version)
with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
    conn.sendall(request.encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
head = data.split(b"\r\n\r\n")[0].decode("latin-1")
lines = head.split("\r\n")
print(f"status={lines[0].split(' ')[1] if lines and ' ' in lines[0] else '-'} "
      f"version13={'yes' if 'Sec-WebSocket-Version: 13' in lines else 'no'}")
