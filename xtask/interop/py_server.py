"""Interop peer: a python websockets echo server for our client; `lie` answers a wrong Accept."""
import asyncio, socket, sys

kind, port = sys.argv[1], int(sys.argv[2])

if kind == "websockets":
    from websockets.asyncio.server import serve

    async def echo(ws):
        async for message in ws:
            await ws.send(message)

    async def main():
        async with serve(echo, "127.0.0.1", port, subprotocols=["chat"]):
            print("ready", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
else:  # lie: a server that answers 101 with a wrong Sec-WebSocket-Accept
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1)
    listener.settimeout(60)
    print("ready", flush=True)
    conn, _ = listener.accept()
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    conn.close()
