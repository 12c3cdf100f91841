// One POP3 connection: reads a command at a time, checks it is valid in the current state, runs it and
// turns a thrown Pop3Error into "-ERR". The commands live in commands/, one file each, and see this
// session through the Pop3Context interface; the connection itself (reading, writing, idle timer,
// STLS) is net/'s LineConnection.
import type net from 'node:net';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Config } from '../config/settings.ts';
import { isLoopback } from '../config/validators.ts';
import { openLineConnection, type LineConnection } from '../net/line-connection.ts';
import type { ListenerSession } from '../net/tcp-listener.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { ServerCertificate } from '../net/server-certificate.ts';
import type { Account } from '../store/types.ts';
import type { EventBus } from '../telemetry/events.ts';
import { isDiskFull } from '../store/disk-full.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import { newQueueId } from '../util/ids.ts';
import type { Pop3Context } from './commands/context.ts';
import { COMMANDS } from './commands/index.ts';
import { COMMAND_LINE_MAX_BYTES, INPUT_BUFFER_MAX_BYTES, MAX_BAD_COMMANDS, POP3_IDLE_TIMEOUT_MS, SASL_LINE_MAX_BYTES } from './limits.ts';
import type { MaildropLocks } from './maildrop-lock.ts';
import type { Maildrop } from './maildrop.ts';
import { parseCommand } from './parser.ts';
import { Pop3Error } from './reply.ts';
import { Pop3State } from './state.ts';
import type { Pop3Store } from './store.ts';

export type { Pop3Store } from './store.ts';

export interface Pop3SessionDeps {
  config: Config;
  store: Pop3Store;
  sessions: SessionRegistry;
  tls: ServerCertificate;
  locks: MaildropLocks;
  auth: Authenticator;
  events: EventBus;
  log: Logger;
}

export class Pop3Session implements ListenerSession, Pop3Context {
  readonly id = newQueueId();
  readonly log: Logger;
  state = Pop3State.Authorization;
  pendingUser: string | null = null;
  account: Account | null = null;
  authFailures = 0;
  private drop: Maildrop | null = null;
  private readonly connection: LineConnection;
  /** Waiting for the client's next command: a server stop may close the session right away. */
  private waiting = false;
  private stopping = false;

  constructor(
    socket: net.Socket,
    private readonly deps: Pop3SessionDeps,
  ) {
    this.log = deps.log.child({ session: this.id });
    this.connection = openLineConnection(socket, {
      protocol: 'pop3',
      sessionId: this.id,
      config: deps.config,
      events: deps.events,
      log: this.log,
      inputBufferMaxBytes: INPUT_BUFFER_MAX_BYTES,
      idleTimeoutMs: POP3_IDLE_TIMEOUT_MS,
      idleGoodbye: '-ERR Disconnected for inactivity\r\n',
    });
  }

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  get secure(): boolean {
    return this.connection.secure;
  }

  get store(): Pop3Store {
    return this.deps.store;
  }

  get locks(): MaildropLocks {
    return this.deps.locks;
  }

  get auth(): Authenticator {
    return this.deps.auth;
  }

  get maildrop(): Maildrop {
    if (!this.drop) throw new Pop3Error('Not logged in');
    return this.drop;
  }

  get plaintextAllowed(): boolean {
    return this.secure || isLoopback(this.remoteAddress);
  }

  async run(): Promise<void> {
    this.deps.sessions.add(
      'pop3',
      this.id,
      this.remoteAddress,
      (reason) => this.close(reason === 'banned' ? '-ERR [SYS/TEMP] Access from your address is blocked for a while\r\n' : '-ERR [SYS/TEMP] Too many connections waiting to log in; try again\r\n'),
      // Secure before any command: the connection came in on the POP3S listener.
      this.secure ? 'pop3s' : 'pop3',
    );
    this.log.debug({ remote: this.remoteAddress }, 'connected');
    try {
      await this.send('+OK Mailroom POP3 server ready\r\n');
      await this.loop();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'session failed');
    } finally {
      this.finish();
    }
  }

  shutdown(): void {
    this.stopping = true;
    if (this.waiting) this.close('-ERR [SYS/TEMP] Server shutting down\r\n');
  }

  destroy(): void {
    this.close();
  }

  enterTransaction(account: Account, drop: Maildrop): void {
    this.account = account;
    this.drop = drop;
    this.state = Pop3State.Transaction;
    this.connection.authenticated();
    this.deps.sessions.markAuthenticated('pop3', this.id);
    this.log.info({ user: account.address, messages: drop.stat().count }, 'logged in');
  }

  send(data: string | Buffer): Promise<void> {
    return this.connection.write(data);
  }

  readSaslLine(): Promise<string | null> {
    return this.connection.readLine(SASL_LINE_MAX_BYTES);
  }

  async startTls(): Promise<void> {
    await this.connection.startTls(this.deps.tls);
    // RFC 2595 section 4: whatever the client said before TLS is forgotten.
    this.pendingUser = null;
  }

  close(last?: string): void {
    this.connection.close(last);
  }

  /** Unlocks the maildrop; QUIT does it before its reply so the client can log in again at once. */
  releaseMaildrop(): void {
    if (this.account && this.drop) this.deps.locks.unlock(this.account.id);
    this.drop = null;
  }

  private async loop(): Promise<void> {
    let bad = 0;
    while (!this.connection.ended && !this.stopping) {
      this.waiting = true;
      const r = await this.connection.reader.readLine(COMMAND_LINE_MAX_BYTES);
      this.waiting = false;
      if (r.kind === 'eof' || this.connection.ended) return;
      let failed = false;
      if (r.kind === 'overflow') {
        await this.send(new Pop3Error(`Command line too long (limit ${COMMAND_LINE_MAX_BYTES} octets)`).line);
        failed = true;
      } else {
        failed = !(await this.execute(r.line));
      }
      bad = failed ? bad + 1 : 0;
      if (bad >= MAX_BAD_COMMANDS) {
        this.close('-ERR Too many bad commands; closing\r\n');
        return;
      }
    }
    if (this.stopping && !this.connection.ended) this.close('-ERR [SYS/TEMP] Server shutting down\r\n');
  }

  /** Runs one command line; false when it was malformed, unknown or out of state (counted as bad). */
  private async execute(line: Buffer): Promise<boolean> {
    let spec;
    let command;
    try {
      command = parseCommand(line);
      spec = COMMANDS.get(command.name);
      if (!spec) throw new Pop3Error('Unknown command');
      if (!spec.states.includes(this.state)) throw new Pop3Error(`${command.name} is not valid in the ${this.state} state`);
    } catch (err) {
      await this.send((err as Pop3Error).line);
      return false;
    }
    try {
      await spec.run(this, command);
    } catch (err) {
      if (err instanceof Pop3Error) {
        await this.send(err.line);
      } else if (isDiskFull(err)) {
        this.log.warn({ command: command.name }, 'refused: the disk is full');
        this.deps.events.emit('store.disk_full', { protocol: 'pop3' });
        await this.send(new Pop3Error('The server is out of disk space; try again later', 'SYS/TEMP').line);
      } else {
        this.log.error({ err: (err as Error).message, command: command.name }, 'command failed');
        await this.send(new Pop3Error('Internal error, try again later', 'SYS/TEMP').line);
      }
    }
    return true;
  }

  private finish(): void {
    this.close();
    this.releaseMaildrop();
    this.deps.sessions.remove('pop3', this.id);
    this.log.debug('disconnected');
  }
}
