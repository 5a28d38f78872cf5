// Probe target: a node `ws` echo server on 127.0.0.1:PORT, every path, permessage-deflate
// on, `chat` chosen when offered. Prints `ready <version>`; exits after 30 minutes.
const { WebSocketServer } = require('ws');
const version = require('ws/package.json').version;
const wss = new WebSocketServer({
  host: '127.0.0.1', port: +process.argv[2], perMessageDeflate: true,
  handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
});
wss.on('listening', () => console.log(`ready ${version}`));
wss.on('connection', (ws) => {
  // A peer's invalid frame is an 'error' on the socket; without a listener node exits.
  ws.on('error', () => {});
  ws.on('message', (m, isBinary) => ws.send(m, { binary: isBinary }));
});
setTimeout(() => process.exit(0), 1800 * 1000);
