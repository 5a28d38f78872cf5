"""Interop peer: python websockets or aiohttp client against our server.
Prints one line: subprotocol=<p> extensions=<e> echo=<text>."""
import asyncio, sys

kind, url = sys.argv[1], sys.argv[2]
MESSAGE = "hello " * 50

if kind == "websockets":
    from websockets.sync.client import connect
    with connect(url, subprotocols=["chat", "superchat"], open_timeout=10) as ws:
        ws.send(MESSAGE)
        echo = ws.recv(timeout=10)
        ext = ",".join(type(e).__name__ for e in ws.protocol.extensions) or "-"
        ext = "permessage-deflate" if "PerMessageDeflate" in ext else ext
        print(f"subprotocol={ws.subprotocol or '-'} extensions={ext} echo={'ok' if echo == MESSAGE else 'MISMATCH'}")
else:
    import aiohttp

    async def main():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url, protocols=("chat", "superchat"), compress=15,
                                          timeout=aiohttp.ClientWSTimeout(ws_receive=10)) as ws:
                await ws.send_str(MESSAGE)
                msg = await ws.receive(timeout=10)
                ext = "permessage-deflate" if ws.compress else "-"
                print(f"subprotocol={ws.protocol or '-'} extensions={ext} echo={'ok' if msg.data == MESSAGE else 'MISMATCH'}")

    asyncio.run(main())
