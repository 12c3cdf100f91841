// One POP3 connection: reads a command at a time, checks it is valid in the current state, runs it and
// turns a thrown Pop3Error into "-ERR". The commands themselves live in commands/, one file each.
import type net from 'node:net';
import type tls from 'node:tls';
import type { Log as Logger } from '../telemetry/log.ts';
import type { BanList } from '../bans/ban-list.ts';
import type { Config } from '../config/settings.ts';
import { isLoopback } from '../config/validators.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { TlsMaterial } from '../net/tls-material.ts';
import type { MailboxStore } from '../store/mailbox-store.ts';
import type { DirectoryStore } from '../store/store.ts';
import type { Account } from '../store/types.ts';
import type { EventBus } from '../telemetry/events.ts';
import { SocketReader } from '../net/socket-reader.ts';
import type { ListenerSession } from '../net/tcp-listener.ts';
import { upgradeToTls } from '../net/starttls.ts';
import { clientAddress } from '../net/admission.ts';
import { newQueueId } from '../util/ids.ts';
import { COMMANDS } from './commands/index.ts';
import { COMMAND_LINE_MAX_BYTES, INPUT_BUFFER_MAX_BYTES, MAX_BAD_COMMANDS, POP3_IDLE_TIMEOUT_MS, SASL_LINE_MAX_BYTES } from './limits.ts';
import type { MaildropLocks } from './maildrop-lock.ts';
import type { Maildrop } from './maildrop.ts';
import { parseCommand } from './parser.ts';
import { Pop3Error } from './reply.ts';
import { Pop3State } from './state.ts';

export type Pop3Store = Pick<DirectoryStore, 'findAccount'> & MailboxStore;

export interface Pop3SessionDeps {
  config: Config;
  store: Pop3Store;
  events: EventBus;
  sessions: SessionRegistry;
  tls: TlsMaterial;
  locks: MaildropLocks;
  log: Logger;
  bans?: BanList | undefined;
}

export class Pop3Session implements ListenerSession {
  readonly id = newQueueId();
  readonly remoteAddress: string;
  readonly log: Logger;
  state = Pop3State.Authorization;
  secure = false;
  /** The name from USER, waiting for PASS. */
  pendingUser: string | null = null;
  account: Account | null = null;
  authFailures = 0;
  private drop: Maildrop | null = null;
  private socket: net.Socket | tls.TLSSocket;
  private reader: SocketReader;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Waiting for the client's next command: a server stop may close the session right away. */
  private waiting = false;
  private stopping = false;
  private ended = false;

  constructor(
    socket: net.Socket,
    readonly deps: Pop3SessionDeps,
  ) {
    this.socket = socket;
    this.remoteAddress = clientAddress(socket);
    this.log = deps.log.child({ session: this.id });
    this.reader = new SocketReader(socket, INPUT_BUFFER_MAX_BYTES, () => this.touch());
    socket.on('close', () => (this.ended = true));
  }

  get maildrop(): Maildrop {
    if (!this.drop) throw new Pop3Error('Not logged in');
    return this.drop;
  }

  /** PLAIN and USER/PASS carry the password in the clear: only over TLS, or on loopback. */
  get plaintextAllowed(): boolean {
    return this.secure || isLoopback(this.remoteAddress);
  }

  async run(): Promise<void> {
    this.deps.sessions.add('pop3', this.id, this.remoteAddress);
    this.log.debug({ remote: this.remoteAddress }, 'connected');
    try {
      this.touch();
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

  /** Logged in: the maildrop is locked and becomes the session's. */
  enterTransaction(account: Account, drop: Maildrop): void {
    this.account = account;
    this.drop = drop;
    this.state = Pop3State.Transaction;
    this.log.info({ user: account.address, messages: drop.stat().count }, 'logged in');
  }

  async send(data: string | Buffer): Promise<void> {
    if (this.ended) return;
    if (!this.socket.write(data)) await new Promise<void>((resolve) => {
      this.socket.once('drain', resolve);
      this.socket.once('close', resolve);
    });
  }

  /** A SASL continuation line, or null when the client went away or sent an over-long line. */
  async readSaslLine(): Promise<string | null> {
    const r = await this.reader.readLine(SASL_LINE_MAX_BYTES);
    return r.kind === 'line' ? r.line.toString('latin1') : null;
  }

  async startTls(): Promise<void> {
    this.reader.detach();
    this.stopIdleTimer();
    const secure = await upgradeToTls(this.socket as net.Socket, this.deps.tls);
    this.socket = secure;
    this.secure = true;
    secure.on('error', (err) => this.log.debug({ err: err.message }, 'TLS connection error'));
    secure.on('close', () => (this.ended = true));
    this.reader = new SocketReader(secure, INPUT_BUFFER_MAX_BYTES, () => this.touch());
    // RFC 2595 section 4: whatever the client said before TLS is forgotten.
    this.pendingUser = null;
    this.touch();
  }

  /** Sends a last line (if any) and closes the connection. */
  close(last?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stopIdleTimer();
    if (last) this.socket.end(last);
    else this.socket.destroy();
    // A client that never reads its last reply must not hold the connection open.
    setTimeout(() => this.socket.destroy(), 5_000).unref();
  }

  private async loop(): Promise<void> {
    let bad = 0;
    while (!this.ended && !this.stopping) {
      this.waiting = true;
      const r = await this.reader.readLine(COMMAND_LINE_MAX_BYTES);
      this.waiting = false;
      if (r.kind === 'eof' || this.ended) return;
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
    if (this.stopping && !this.ended) this.close('-ERR [SYS/TEMP] Server shutting down\r\n');
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
      } else {
        this.log.error({ err: (err as Error).message, command: command.name }, 'command failed');
        await this.send(new Pop3Error('Internal error, try again later', 'SYS/TEMP').line);
      }
    }
    return true;
  }

  private touch(): void {
    this.stopIdleTimer();
    if (this.ended) return;
    this.idleTimer = setTimeout(() => {
      this.log.info('idle timeout');
      this.close('-ERR Disconnected for inactivity\r\n');
    }, POP3_IDLE_TIMEOUT_MS);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Unlocks the maildrop; QUIT does it before its reply so the client can log in again at once. */
  releaseMaildrop(): void {
    if (this.account && this.drop) this.deps.locks.unlock(this.account.id);
    this.drop = null;
  }

  private finish(): void {
    this.close();
    this.releaseMaildrop();
    this.deps.sessions.remove('pop3', this.id);
    this.log.debug('disconnected');
  }
}
