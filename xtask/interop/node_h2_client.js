// A WebSocket over HTTP/2 by hand with node's built-in http2 (RFC 8441): waits for the
// server's SETTINGS_ENABLE_CONNECT_PROTOCOL, sends an extended CONNECT with the given
// Sec-WebSocket-Version, and on 200 sends one masked text frame and reads the echo.
// Prints one line: `result=<ok|mismatch|status|...> status=N subprotocol=S version=V`.
//   node node_h2_client.js https://127.0.0.1:PORT/chat [VERSION]
const http2 = require("http2");
const crypto = require("crypto");

const target = new URL(process.argv[2]);
const version = process.argv[3] || "13";
const message = "hello over an HTTP/2 stream";
const client = http2.connect(target.origin, { rejectUnauthorized: false });
const finish = (line, code) => {
  console.log(line);
  client.destroy();
  process.exit(code);
};
setTimeout(() => finish("result=timeout", 1), 8000);
client.on("error", (error) => finish(`result=error ${error.message}`, 1));
client.once("remoteSettings", (settings) => {
  if (!settings.enableConnectProtocol) {
    finish("result=no-enable-connect-protocol", 1);
    return;
  }
  const stream = client.request({
    ":method": "CONNECT",
    ":protocol": "websocket",
    ":scheme": target.protocol.replace(":", ""),
    ":path": target.pathname,
    ":authority": target.host,
    "sec-websocket-version": version,
    "sec-websocket-protocol": "superchat, chat",
    origin: target.origin,
  }, { endStream: false });
  stream.on("error", (error) => finish(`result=stream-error ${error.message}`, 1));
  stream.on("response", (headers) => {
    const status = headers[":status"];
    const fields = `status=${status} subprotocol=${headers["sec-websocket-protocol"] || "-"} version=${headers["sec-websocket-version"] || "-"}`;
    if (status !== 200) {
      finish(`result=status ${fields}`, 0);
      return;
    }
    const payload = Buffer.from(message);
    const mask = crypto.randomBytes(4);
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
    stream.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
    let received = Buffer.alloc(0);
    stream.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      const length = received.length >= 2 ? received[1] & 0x7f : Infinity;
      if (received.length >= 2 + length) {
        const echo = received.subarray(2, 2 + length).toString();
        finish(`result=${received[0] === 0x81 && echo === message ? "ok" : "mismatch"} ${fields}`, 0);
      }
    });
  });
});
