"""Probe targets: one WebSocket echo server of the named kind on 127.0.0.1:PORT, on every
path, choosing the subprotocol `chat` when offered, permessage-deflate where the library
offers it by default. Prints `ready <version>` once listening; exits after 30 minutes."""
import asyncio
import sys

kind, port = sys.argv[1], int(sys.argv[2])
LIMIT = 1800


def ready(version):
    print("ready", version, flush=True)


if kind == "websockets":
    import websockets
    from websockets.asyncio.server import serve

    async def echo(ws):
        try:
            async for message in ws:
                await ws.send(message)
        except Exception:
            pass

    async def main():
        # Choose `chat` when offered, accept clients that offer none (the default with
        # `subprotocols=` would refuse them).
        def choose(connection, subprotocols):
            return "chat" if "chat" in subprotocols else None

        async with serve(echo, "127.0.0.1", port, select_subprotocol=choose):
            ready(websockets.__version__)
            await asyncio.sleep(LIMIT)

    asyncio.run(main())

elif kind == "aiohttp":
    import aiohttp
    from aiohttp import web

    async def handler(request):
        ws = web.WebSocketResponse(protocols=["chat"])
        await ws.prepare(request)
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                await ws.send_str(message.data)
        return ws

    async def main():
        app = web.Application()
        app.router.add_get("/{tail:.*}", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready(aiohttp.__version__)
        await asyncio.sleep(LIMIT)

    asyncio.run(main())

elif kind == "tornado":
    import tornado
    import tornado.web
    import tornado.websocket

    class Echo(tornado.websocket.WebSocketHandler):
        def select_subprotocol(self, subprotocols):
            return "chat" if "chat" in subprotocols else None

        def get_compression_options(self):
            return {}

        def on_message(self, message):
            self.write_message(message)

    async def main():
        tornado.web.Application([(r"/.*", Echo)]).listen(port, "127.0.0.1")
        ready(tornado.version)
        await asyncio.sleep(LIMIT)

    asyncio.run(main())

elif kind in ("uvicorn-websockets", "uvicorn-wsproto"):
    import uvicorn

    async def app(scope, receive, send):
        if scope["type"] == "websocket":
            await receive()
            offered = scope.get("subprotocols", [])
            await send({"type": "websocket.accept",
                        "subprotocol": "chat" if "chat" in offered else None})
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("text") is not None:
                    await send({"type": "websocket.send", "text": message["text"]})
                elif message.get("bytes") is not None:
                    await send({"type": "websocket.send", "bytes": message["bytes"]})
        elif scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", b"2")]})
            await send({"type": "http.response.body", "body": b"ok"})

    async def main():
        backend = kind.split("-", 1)[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, ws=backend,
                                               lifespan="off", log_level="warning"))
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        module = __import__(backend)
        ready(f"{uvicorn.__version__} ({backend} {module.__version__})")
        await asyncio.wait_for(task, LIMIT)

    asyncio.run(main())

else:
    sys.exit(f"unknown kind {kind}")
