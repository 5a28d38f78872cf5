// Interop peer: node ws client (permessage-deflate on) against our server.
const WebSocket = require('ws');
const MESSAGE = 'hello '.repeat(50);
const ws = new WebSocket(process.argv[2], ['chat', 'superchat'], { perMessageDeflate: true });
const timer = setTimeout(() => { console.log('timeout'); process.exit(1); }, 10000);
ws.on('open', () => ws.send(MESSAGE));
ws.on('message', (data) => {
  const ext = Object.keys(ws._extensions || {}).join(',') || '-';
  console.log(`subprotocol=${ws.protocol || '-'} extensions=${ext} echo=${data.toString() === MESSAGE ? 'ok' : 'MISMATCH'}`);
  clearTimeout(timer);
  ws.close();
});
ws.on('close', () => process.exit(0));
ws.on('error', (e) => { console.log(`error ${e.message}`); process.exit(1); });
