// Interop peer: a node ws echo server (permessage-deflate on, chooses `chat`) for our client.
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({
  host: '127.0.0.1', port: +process.argv[2], perMessageDeflate: true,
  handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
});
wss.on('listening', () => console.log('ready'));
wss.on('connection', (ws) => ws.on('message', (m, isBinary) => ws.send(m, { binary: isBinary })));
setTimeout(() => process.exit(0), 60000);
