// IMAP logins per second on one node, with the authentication cache off (auth.cache_ttl_seconds 0: every
// LOGIN runs scrypt) and on (60 s): the same account and password, CLIENTS Python imaplib connections at
// once, each looping connect, LOGIN, LOGOUT for SECONDS seconds. The server runs in this process
// (server/test/helpers/mail-stack.ts); the clients are a separate Python process.
//
//   npx tsx bench/imap/logins.ts [clients=10] [seconds=10]
import { MailStack } from '../../server/test/helpers/mail-stack.ts';
import { python } from '../../server/test/helpers/python.ts';

const clients = Number(process.argv[2] ?? 10);
const seconds = Number(process.argv[3] ?? 10);

async function loginsPerSecond(ttlSeconds: number): Promise<number> {
  const stack = await MailStack.start({ MAILROOM_AUTH_CACHE_TTL_SECONDS: String(ttlSeconds) });
  try {
    await stack.addAccount('bench@example.test', 'bench password');
    const out = await python(
      `
import imaplib, os, threading, time
port, n, secs = int(os.environ['PORT']), int(os.environ['CLIENTS']), float(os.environ['SECONDS'])
counts = [0] * n
def run(i):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        m = imaplib.IMAP4('127.0.0.1', port, timeout=30); m.login('bench@example.test', 'bench password'); m.logout()
        counts[i] += 1
start = time.monotonic()
threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(counts) / (time.monotonic() - start))
`,
      { PORT: String(stack.ports.imap), CLIENTS: String(clients), SECONDS: String(seconds) },
    );
    return Number(out.trim());
  } finally {
    await stack.stop();
  }
}

const off = await loginsPerSecond(0);
const on = await loginsPerSecond(60);
console.log(`| IMAP logins/s, ${clients} clients, ${seconds} s | cache off: ${off.toFixed(1)} | cache on (60 s): ${on.toFixed(1)} | ${(on / off).toFixed(1)}x |`);
