// Drives headless Chromium over the DevTools protocol: opens a page, waits (bounded) until
// its #result element leaves "pending", prints `result=<text>` and exits. Used for every
// Chromium row instead of --dump-dom, whose virtual time does not wait for a WebSocket that
// needs a new TLS connection, and which once printed nothing at all on a first CI run.
//   node chromium_driver.js URL PROFILE_DIR SECONDS
const { spawn } = require("child_process");
const WebSocket = require("ws");

const [url, profile, seconds] = process.argv.slice(2);
const deadline = Date.now() + 1000 * Number(seconds || 15);
const chrome = spawn("chromium", [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
  "--ignore-certificate-errors", `--user-data-dir=${profile}`, "--remote-debugging-port=0",
  "about:blank",
], { stdio: ["ignore", "ignore", "pipe"] });
let stderr = "";
const finish = (line, code) => {
  console.log(line);
  chrome.kill("SIGKILL");
  process.exit(code);
};
// On a timeout, the end of Chromium's stderr says why (it is not printed otherwise).
setTimeout(() => finish(`result=timeout stderr=${JSON.stringify(stderr.slice(-400))}`, 1), deadline - Date.now());
process.on("SIGTERM", () => finish("result=terminated", 1));

chrome.stderr.on("data", (chunk) => {
  stderr += chunk;
  const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
  if (match && !chrome.connected) {
    chrome.connected = true;
    drive(match[1]);
  }
});

function drive(endpoint) {
  const socket = new WebSocket(endpoint);
  let next = 1;
  const waiting = new Map();
  const call = (method, params = {}, sessionId) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  socket.on("message", (data) => {
    const message = JSON.parse(data);
    if (message.id && waiting.has(message.id)) {
      waiting.get(message.id)(message.result || { error: message.error });
      waiting.delete(message.id);
    }
  });
  socket.on("error", (error) => finish(`result=devtools-error ${error.message}`, 1));
  socket.on("open", async () => {
    const { targetId } = await call("Target.createTarget", { url });
    const { sessionId } = await call("Target.attachToTarget", { targetId, flatten: true });
    for (;;) {
      const reply = await call("Runtime.evaluate", {
        expression: "document.getElementById('result') && document.getElementById('result').textContent",
        returnByValue: true,
      }, sessionId);
      const text = reply.result && reply.result.value;
      if (text && text !== "pending") finish(`result=${text}`, 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}
