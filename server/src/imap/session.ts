// One IMAP connection: frames commands (protocol/command-reader.ts), parses them (protocol/commands.ts),
// checks the state, runs the command from commands/ and turns a thrown ImapError into the tagged NO or
// BAD. After each command the selected mailbox is synchronised, so the client hears about changes made
// by other sessions and by delivery.
import { isStoreUnavailable } from '../store/store-unavailable.ts';
import type net from 'node:net';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Config } from '../config/settings.ts';
import { isLoopback } from '../config/validators.ts';
import { openLineConnection, type LineConnection } from '../net/line-connection.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { ListenerSession } from '../net/tcp-listener.ts';
import type { ServerCertificate } from '../net/server-certificate.ts';
import type { Account } from '../store/types.ts';
import type { CommandLimit, EventBus } from '../telemetry/events.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import { newQueueId } from '../util/ids.ts';
import { capabilities } from './capabilities.ts';
import type { Completion, ImapContext, ImapState } from './commands/context.ts';
import { HANDLERS } from './commands/index.ts';
import type { Handler } from './commands/types.ts';
import { diskFull, ImapError } from './errors.ts';
import { isDiskFull } from '../store/disk-full.ts';
import { INPUT_BUFFER_MAX_BYTES, MAX_BAD_COMMANDS } from './limits.ts';
import type { MailboxViews } from './mailbox-views.ts';
import { CommandReader } from './protocol/command-reader.ts';
import { parseCommand, type Command } from './protocol/commands.ts';
import { MailboxGoneError, type SelectedMailbox } from './selected-mailbox.ts';
import type { ImapStore } from './store.ts';

export type { ImapStore } from './store.ts';
export type { Completion } from './commands/context.ts';

export interface ImapSessionDeps {
  config: Config;
  /** The node's shared mailbox views (one per selected mailbox, watched while a session idles on it). */
  views: MailboxViews;
  store: ImapStore;
  sessions: SessionRegistry;
  tls: ServerCertificate;
  auth: Authenticator;
  events: EventBus;
  log: Logger;
}

/**
 * Commands during which EXPUNGE must not be sent (RFC 3501 section 7.4.1; SORT and THREAD answer with
 * sequence numbers as SEARCH does, RFC 5256); their UID forms may.
 */
const NO_EXPUNGE_DURING = new Set(['FETCH', 'STORE', 'SEARCH', 'SORT', 'THREAD']);
/** Commands that leave or replace the selected mailbox: nothing to catch up on first. */
const RESELECTING = new Set(['SELECT', 'EXAMINE', 'CLOSE', 'UNSELECT', 'LOGOUT']);
const UNTAGGED = Buffer.from('* ');
const CRLF = Buffer.from('\r\n');

export class ImapSession implements ListenerSession, ImapContext {
  readonly id = newQueueId();
  readonly log: Logger;
  state: ImapState = 'not_authenticated';
  account: Account | null = null;
  selected: SelectedMailbox | null = null;
  authFailures = 0;
  condstore = false;
  qresync = false;
  imap4rev2 = false;
  utf8Accept = false;

  get utf8Names(): boolean {
    return this.imap4rev2 || this.utf8Accept;
  }
  private readonly connection: LineConnection;
  private readonly commands: CommandReader;
  /** Waiting for the client (between commands or in IDLE): a server stop may end the session at once. */
  private waiting = false;
  private stopping = false;

  constructor(
    socket: net.Socket,
    readonly deps: ImapSessionDeps,
  ) {
    this.log = deps.log.child({ session: this.id });
    this.connection = openLineConnection(socket, {
      protocol: 'imap',
      sessionId: this.id,
      config: deps.config,
      events: deps.events,
      log: this.log,
      inputBufferMaxBytes: INPUT_BUFFER_MAX_BYTES,
      idleTimeoutMs: deps.config['imap.idle_timeout_seconds'] * 1000,
      idleGoodbye: '* BYE Autologout; idle for too long\r\n',
    });
    this.commands = new CommandReader({
      reader: () => this.connection.reader,
      continueLiteral: () => this.write('+ Ready for literal data\r\n'),
      // A client sending a command (an APPEND literal, say) gets the grace period to finish it.
      started: () => (this.waiting = false),
      appendMaxBytes: this.appendMaxBytes,
      lineMaxBytes: deps.config['limits.imap_max_line_bytes'],
      literalMaxBytes: deps.config['limits.imap_max_literal_bytes'],
      commandMaxBytes: deps.config['limits.imap_max_command_bytes'],
    });
  }

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  get secure(): boolean {
    return this.connection.secure;
  }

  get auth(): Authenticator {
    return this.deps.auth;
  }

  private get ended(): boolean {
    return this.connection.ended;
  }

  get appendMaxBytes(): number {
    return this.deps.config['smtp.max_message_size_bytes'];
  }

  /** Whether the account may log in one more session here (imap.max_sessions_per_user). */
  userHasRoom(user: string): boolean {
    return this.deps.sessions.sessionsOfUser('imap', user) < this.deps.config['imap.max_sessions_per_user'];
  }

  get maxKeywordsPerMailbox(): number {
    return this.deps.config['limits.max_keywords_per_mailbox'];
  }

  limitHit(limit: CommandLimit): void {
    this.log.info({ remote: this.remoteAddress, limit }, 'command refused by a limit');
    this.deps.events.emit('limit.hit', { protocol: 'imap', limit });
  }

  /** LOGIN and PLAIN carry the password in the clear: only over TLS, or on loopback. */
  get plaintextAllowed(): boolean {
    return this.secure || isLoopback(this.remoteAddress);
  }

  get store(): ImapStore {
    return this.deps.store;
  }

  get views(): MailboxViews {
    return this.deps.views;
  }

  /** The logged-in account (commands reach this only in the authenticated and selected states). */
  get user(): Account {
    if (!this.account) throw new Error('no account in an authenticated state');
    return this.account;
  }

  capabilities(): string {
    return capabilities({
      authenticated: this.state !== 'not_authenticated',
      secure: this.secure,
      plaintextAllowed: this.plaintextAllowed,
      appendMaxBytes: this.appendMaxBytes,
    }).join(' ');
  }

  async run(): Promise<void> {
    this.deps.sessions.add(
      'imap',
      this.id,
      this.remoteAddress,
      (reason) =>
        this.close(reason === 'banned' ? '* BYE [UNAVAILABLE] Access from your address is blocked for a while\r\n' : '* BYE [UNAVAILABLE] Too many connections waiting to log in; try again\r\n'),
      // Secure before any command: the connection came in on the IMAPS listener.
      this.secure ? 'imaps' : 'imap',
    );
    this.log.debug({ remote: this.remoteAddress }, 'connected');
    try {
      await this.write(`* OK [CAPABILITY ${this.capabilities()}] Mailroom IMAP4rev1 server ready\r\n`);
      await this.loop();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'session failed');
    } finally {
      this.close();
      this.selected?.close();
      this.deps.sessions.remove('imap', this.id);
      this.log.debug('disconnected');
    }
  }

  shutdown(): void {
    this.stopping = true;
    if (this.waiting) this.close('* BYE Server shutting down\r\n');
  }

  destroy(): void {
    this.close();
  }

  /** True once the connection is closed or closing: a long response can stop early. */
  get closed(): boolean {
    return this.connection.ended;
  }

  write(data: string | Buffer | readonly Buffer[]): Promise<void> {
    return this.connection.write(data);
  }

  untagged(line: string | Buffer | readonly Buffer[]): Promise<void> {
    if (typeof line === 'string') return this.write(`* ${line}\r\n`);
    return this.write([UNTAGGED, ...(Buffer.isBuffer(line) ? [line] : line), CRLF]);
  }

  /** A raw line (AUTHENTICATE responses, IDLE's DONE); null when the client went away or overflowed it. */
  readLine(maxBytes: number): Promise<string | null> {
    return this.connection.readLine(maxBytes);
  }

  startTls(): Promise<void> {
    return this.connection.startTls(this.deps.tls);
  }

  select(mailbox: SelectedMailbox | null): void {
    // Leaving a mailbox leaves its shared view, which is freed with its last session.
    if (this.selected !== mailbox) this.selected?.close();
    this.selected = mailbox;
    this.state = mailbox ? 'selected' : 'authenticated';
  }

  /** Sends what changed in the selected mailbox since the client last heard. */
  async syncSelected(allowExpunge: boolean, fresh = true): Promise<void> {
    if (!this.selected) return;
    for (const line of await this.selected.sync(allowExpunge, fresh)) await this.untagged(line);
  }

  /**
   * IDLE (RFC 2177): until the client sends a line, report changes as the shared view sees them: at once
   * for changes made through this node's sessions, within IDLE_POLL_INTERVAL_MS for others (the watcher).
   * Returns the client's line, or null when the connection ended.
   */
  async idle(): Promise<string | null> {
    // Typed by assertion: the callbacks below assign it, which TypeScript's narrowing of a `null` start does not see.
    let syncing = null as Promise<void> | null;
    let again = false;
    const sync = () => {
      if (syncing) {
        again = true;
        return;
      }
      // The view was refreshed for every session on it: nothing to read again.
      syncing = this.syncSelected(true, false)
        .catch((err: Error) => this.onSyncError(err))
        .finally(() => {
          syncing = null;
          if (again && !this.ended) {
            again = false;
            sync();
          }
        });
    };
    const selected = this.selected;
    const unwatch = selected ? selected.listen(sync) : () => undefined;
    // The view may have moved on (another session's refresh) since this session's last sync.
    if (selected?.behind) sync();
    this.waiting = true;
    try {
      if (this.stopping) {
        this.close('* BYE Server shutting down\r\n');
        return null;
      }
      const line = await this.readLine(this.deps.config['limits.imap_max_line_bytes']);
      // An over-long line where DONE was expected: there is no command to answer, so say goodbye.
      if (line === null) this.close('* BYE Expected DONE\r\n');
      return line;
    } finally {
      this.waiting = false;
      unwatch();
      // A sync that ends with another asked for starts it from its finally: wait for the last one, so no
      // untagged response of IDLE is written while the next command runs.
      while (syncing) await syncing;
    }
  }

  /** Sends a last line (if any) and closes the connection. */
  close(last?: string): void {
    this.connection.close(last);
  }

  authenticated(): void {
    this.connection.authenticated();
    this.deps.sessions.markAuthenticated('imap', this.id, this.account?.address);
  }

  private async loop(): Promise<void> {
    let bad = 0;
    while (!this.ended && !this.stopping) {
      this.waiting = true;
      const frame = await this.commands.read();
      this.waiting = false;
      if (frame.kind === 'eof' || this.ended) return;
      let status: 'OK' | 'NO' | 'BAD';
      if (frame.kind === 'reject') {
        if (frame.limit) this.limitHit(frame.limit);
        await this.write(`${frame.tag} ${frame.status} ${frame.code ? `[${frame.code}] ` : ''}${frame.text}\r\n`);
        if (frame.fatal) {
          this.close('* BYE Cannot continue after that command\r\n');
          return;
        }
        status = frame.status;
      } else {
        status = await this.execute(frame.data);
      }
      bad = status === 'BAD' ? bad + 1 : 0;
      if (bad >= MAX_BAD_COMMANDS) {
        this.close('* BYE Too many invalid commands\r\n');
        return;
      }
    }
    if (this.stopping && !this.ended) this.close('* BYE Server shutting down\r\n');
  }

  private async execute(data: Buffer): Promise<'OK' | 'NO' | 'BAD'> {
    const parsed = parseCommand(data, this.utf8Names);
    if ('error' in parsed) return this.fail(parsed.tag, parsed.error);
    const { tag, command } = parsed;
    // The table pairs each name with its handler; indexing by a union of names loses that pairing.
    const handler = HANDLERS[command.name] as Handler;
    if (!handler.states.includes(this.state)) {
      const why =
        this.state === 'not_authenticated'
          ? 'log in first'
          : handler.states.includes('not_authenticated')
            ? 'already logged in'
            : this.state === 'selected'
              ? 'close the mailbox first'
              : 'select a mailbox first';
      return this.fail(tag, new ImapError('BAD', `${command.name} is not allowed in this state: ${why}`));
    }
    let status: 'OK' | 'NO' | 'BAD' = 'OK';
    let completion: Completion | null = null;
    let error: ImapError | null = null;
    try {
      // Catch up first, so what the command reports is current; expunges wait, since the client's
      // sequence numbers in this command refer to the messages it knows.
      if (this.state === 'selected' && !RESELECTING.has(command.name)) await this.syncSelected(false);
      completion = await handler.run(this, command, tag);
    } catch (err) {
      if (err instanceof ImapError) error = err;
      else if (err instanceof MailboxGoneError) return this.mailboxGone();
      else if (isDiskFull(err)) {
        this.log.warn({ command: command.name }, 'refused: the disk is full');
        this.deps.events.emit('store.disk_full', { protocol: 'imap' });
        error = diskFull(command.name);
      } else if (isStoreUnavailable(err)) {
        // The database is away (PostgreSQL restarting, the network cut): the client should retry later.
        this.log.warn({ err: (err as Error).message, command: command.name }, 'refused: the mail store is unavailable');
        error = new ImapError('NO', 'The mail store is unavailable; try again later', 'UNAVAILABLE');
      } else {
        this.log.error({ err: (err as Error).message, command: command.name }, 'command failed');
        error = new ImapError('NO', 'Internal server error; try again later', 'SERVERBUG');
      }
      status = error.status;
    }
    if (completion === 'done' || this.ended) return status;
    try {
      await this.syncAfter(command);
    } catch (err) {
      if (err instanceof MailboxGoneError) return this.mailboxGone();
      this.log.error({ err: (err as Error).message }, 'mailbox sync failed');
    }
    if (error) return this.fail(tag, error);
    const { code, text } = completion!;
    await this.write(`${tag} OK ${code ? `[${code}] ` : ''}${text}\r\n`);
    return status;
  }

  private async syncAfter(command: Command): Promise<void> {
    if (this.state !== 'selected') return;
    if (command.name === 'SELECT' || command.name === 'EXAMINE') return;
    const uid = 'uid' in command && command.uid;
    await this.syncSelected(!(NO_EXPUNGE_DURING.has(command.name) && !uid));
  }

  private async fail(tag: string, error: ImapError): Promise<'NO' | 'BAD'> {
    await this.write(`${tag} ${error.status} ${error.code ? `[${error.code}] ` : ''}${error.message}\r\n`);
    return error.status;
  }

  private mailboxGone(): 'NO' {
    this.close('* BYE The selected mailbox was deleted\r\n');
    return 'NO';
  }

  private onSyncError(err: Error): void {
    if (err instanceof MailboxGoneError) this.mailboxGone();
    else this.log.error({ err: err.message }, 'mailbox sync failed');
  }
}
