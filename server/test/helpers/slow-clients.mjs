// A slowloris attacker in its own process (so the test process that watches /healthz is not the one
// busy with thousands of sockets): opens PER_PORT connections to each port in PORTS from ADDRESSES
// loopback addresses (127.0.1.1 ...), sends one byte at once and one more every TRICKLE_MS, and ends
// after DURATION_MS, printing how many connections the server had closed by then.
import net from 'node:net';

const ports = process.env.PORTS.split(',').map(Number);
const perPort = Number(process.env.PER_PORT);
const addresses = Number(process.env.ADDRESSES);
const trickleMs = Number(process.env.TRICKLE_MS);
const durationMs = Number(process.env.DURATION_MS);

const sockets = [];
let closedByServer = 0;
for (const port of ports) {
  for (let i = 0; i < perPort; i++) {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.1.${(i % addresses) + 1}` });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.once('connect', () => socket.write('E'));
    socket.once('close', () => closedByServer++);
    sockets.push(socket);
  }
}
const timer = setInterval(() => {
  for (const socket of sockets) if (!socket.destroyed && socket.writable) socket.write('H');
}, trickleMs);
setTimeout(() => {
  clearInterval(timer);
  const closed = closedByServer;
  for (const socket of sockets) socket.destroy();
  process.stdout.write(JSON.stringify({ opened: sockets.length, closedByServer: closed }) + '\n');
  process.exit(0);
}, durationMs);
