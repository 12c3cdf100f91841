// One run of one external POP3 account: log in, list unique ids, download each message not delivered
// before, deliver it into the local account the normal way (MessageIntake, source pop3_fetch, so it
// counts as processed; scanned like SMTP mail by the intake), and only then remember its UIDL, and only after that DELE it when the account
// does not keep mail on the server. A crash at any point therefore means at most one message delivered
// twice (accepted, not yet remembered), never one lost. The server applies DELEs at QUIT.
import type { Envelope } from '../delivery/accept.ts';
import type { Intake } from '../delivery/intake.ts';
import type { FetchAccount, FetchAccountStore } from '../store/fetch-account-store.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import type net from 'node:net';
import { rfc2822Date } from '../util/date.ts';
import { FETCH_TIMEOUT_MS } from './limits.ts';
import { Pop3Client } from './pop3-client.ts';

export interface FetchRunDeps {
  store: FetchAccountStore;
  intake: Intake;
  hostname: string;
  maxMessageBytes: number;
  log: Logger;
  /** Host names of external servers are looked up through the server's resolver (dns/). */
  lookup?: net.LookupFunction;
}

export interface FetchResult {
  delivered: number;
  /** Messages over the size limit, left on the server. */
  skipped: number;
  /** DELEs sent (applied by the server at QUIT). */
  deleted: number;
}

/** Lets the fetcher cut a run short when the server stops: the current message is finished first. */
export interface RunControl {
  stopping: boolean;
  client: Pop3Client | null;
  /** Counted as the run goes, so a run that fails half-way still reports what it delivered. */
  result: FetchResult;
}

function receivedHeader(account: FetchAccount, serverAddress: string, hostname: string, id: string): string {
  const clean = (s: string) => s.replace(/[^\x21-\x7e]/g, '').slice(0, 255);
  return `Received: from ${clean(account.host)} (${clean(serverAddress) || 'unknown'})\r\n\tby ${hostname} (Mailroom) with POP3 id ${id}\r\n\tfor <${account.accountAddress}>;\r\n\t${rfc2822Date(new Date())}\r\n`;
}

export async function runFetch(account: FetchAccount, deps: FetchRunDeps, control: RunControl): Promise<FetchResult> {
  const { result } = control;
  const log = deps.log.child({ fetchAccount: account.id });
  const client = await Pop3Client.connect({ host: account.host, port: account.port, security: account.security, verifyTls: account.verifyTls, timeoutMs: FETCH_TIMEOUT_MS, lookup: deps.lookup });
  control.client = client;
  try {
    await client.login(account.username, account.password);
    const ids = await client.uidl();
    const sizes = await client.list();
    const known = await deps.store.fetchedUidls(account.id);
    // A complete listing: UIDLs remembered but no longer listed were deleted on the server and can go.
    await deps.store.forgetUidlsExcept(account.id, new Set(ids.values()));
    for (const [n, uid] of ids) {
      if (control.stopping) break;
      if (known.has(uid)) {
        // Delivered by an earlier run whose QUIT never came (so its DELE was not applied): delete it now.
        if (!account.keepOnServer) {
          await client.dele(n);
          result.deleted++;
        }
        continue;
      }
      const size = sizes.get(n) ?? 0;
      if (size > deps.maxMessageBytes) {
        log.warn({ message: n, size, limit: deps.maxMessageBytes }, 'message larger than smtp.max_message_size_bytes left on the server');
        result.skipped++;
        continue;
      }
      // LIST sizes are estimates (some servers count LF line ends), so the download has its own bound.
      const content = await client.retr(n, deps.maxMessageBytes + 64 * 1024);
      const id = deps.intake.newId();
      const received = Buffer.from(receivedHeader(account, client.remoteAddress, deps.hostname, id));
      // The null sender: a fetched message must never cause a bounce to whoever sent it to the other server.
      const envelope: Envelope = {
        sender: '',
        recipients: [{ address: account.accountAddress, destination: 'local', accountId: account.accountId }],
        source: 'pop3_fetch',
        clientAddress: client.remoteAddress || undefined,
      };
      const full = Buffer.concat([received, content]);
      const outcome = await deps.intake.receive({ id, envelope, content: full, scanMode: 'all', log, logContext: { fetchAccount: account.id } });
      // A scanner that is down (4xx) stops the run without remembering the message: it is fetched
      // again next time. A refusal (5xx) cannot be sent back to anyone: the message is skipped for good.
      if (outcome.kind === 'refused' && outcome.code < 500) throw new Error(`not scanned, will retry: ${outcome.message}`);
      if (outcome.kind !== 'queued') {
        await deps.store.rememberUidl(account.id, uid, Date.now());
        result.skipped++;
        log.info({ id, message: n, outcome: outcome.kind === 'refused' ? outcome.reason : outcome.how }, 'fetched message not delivered after scanning');
        if (!account.keepOnServer) {
          await client.dele(n);
          result.deleted++;
        }
        continue;
      }
      await deps.store.rememberUidl(account.id, uid, Date.now());
      result.delivered++;
      log.info({ id, message: n, size: content.length }, 'fetched message delivered');
      if (!account.keepOnServer) {
        await client.dele(n);
        result.deleted++;
      }
    }
    await client.quit();
  } finally {
    client.close();
    control.client = null;
  }
  return result;
}
