// Small changes to smtp-server's connection class, installed once at start-up. Each replaces behaviour
// the library hard-codes; smtp-server-patches.test.ts fails if an upgrade moves them.
//
// 1. Greeting delay. smtp-server waits a fixed 100 ms before its banner to catch clients that talk too
//    soon (spam bots that do not wait). That alone caps 20 sessions at about 200 messages/s and is
//    pointless for submission or trusted clients, so the delay becomes the option `greetingDelayMs`, a
//    function of the client address. A delay of 0 greets at once: even a timer of 0 ms leaves a window
//    in which a client's first bytes arrive before the greeting and get "talk too soon". (With
//    smtp.reverse_dns on, the PTR lookup before the greeting opens that window again.) A client that
//    waited the whole delay quietly and is still connected is reported through `onGreetingPassed`.
// 2. Early talkers. A command before the greeting is answered 421 with a protocol enhanced code (the
//    library says 4.4.2, a network fault) and reported through the option `onEarlyTalker`, so it is
//    counted like every other rejection.
// 3. Enhanced status codes. smtp-server derives the RFC 3463 code from the reply code alone (554 is
//    always 5.6.0, 552 is 5.2.2). Our hooks know better: a reply text that starts with its own
//    enhanced code keeps it, and a 552 (always a size limit here) says 5.3.4.
// 4. Commands we know and deliberately do not offer (EXPN would list a group's members; TURN and ETRN
//    are obsolete or unused here) answer 502 "not implemented" (RFC 5321 4.2.4), not 500 "unknown".
// 5. Session ids. The library makes each one from its own crypto.randomBytes call and a BigInt; that
//    was 2% of the main thread in the SMTP profile. Same shape (16 characters of base 32, 80 random
//    bits), drawn from a shared random pool, and handed on without waiting for the next turn of the
//    event loop. Connections behind a PROXY header keep the library's path.
// 6. The DATA parser: see data-stream-patch.ts.
// 7. Line timeout: a line (command or DATA) must arrive whole within the option `lineTimeoutMs` of its
//    first byte, else `onLineTimeout` and 421; see line-timeout.ts.
// 8. Reply back-pressure: the next command is taken only while at most REPLY_BUFFER_MAX_BYTES (256 KiB)
//    of replies wait unsent in the socket, so a client that pipelines and never reads stops being read
//    instead of growing the server's memory; see reply-backpressure.ts.
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { randomBytesPooled } from '../util/random-pool.ts';
import { installDataStreamPatch } from './data-stream-patch.ts';
import { watchLines } from './line-timeout.ts';
import { whenRepliesFit, type ReplySocket } from './reply-backpressure.ts';

/** Options this module adds to smtp-server's; pass them alongside the library's own. */
export interface PatchedServerOptions {
  greetingDelayMs?: (remoteAddress: string) => number;
  /** A client waited out a delay above 0 without talking and is greeted now. */
  onGreetingPassed?: (remoteAddress: string) => void;
  onEarlyTalker?: (remoteAddress: string) => void;
  lineTimeoutMs?: number;
  onLineTimeout?: (remoteAddress: string) => void;
}

type Handler = (this: Connection, command: Buffer, callback: () => void) => void;
interface Connection {
  _server: { options: { maxClients?: number } & PatchedServerOptions; connections: Set<unknown>; _closeTimeout?: unknown };
  _ready: boolean;
  _parser: Parameters<typeof watchLines>[0] | undefined;
  _upgrading: boolean;
  _closing: boolean;
  _closed: boolean;
  _socket: ReplySocket | undefined;
  _setListeners(cb: () => void): void;
  _getEnhancedStatusCode(code: number, context?: unknown): string;
  _onCommand(command: Buffer, callback?: () => void): void;
  send(code: number, data?: string | string[], context?: unknown): void;
  connectionReady(): void;
  init(): void;
  remoteAddress: string;
  name: string;
  [handler: `handler_${string}`]: Handler | undefined;
}

/** The library's own wait before the banner, used when no greetingDelayMs option is given. */
const LIBRARY_GREETING_DELAY_MS = 100;
const OWN_ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;
export const NOT_IMPLEMENTED_COMMANDS = ['EXPN', 'TURN', 'ETRN'] as const;
const PATCHED = ['init', 'connectionReady', '_setListeners', '_onCommand', 'send', '_getEnhancedStatusCode'] as const;
const SESSION_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';
let installed = false;

type ProxyCallback = (err: Error | null, socketOptions?: { id: string; ignore?: boolean }) => void;
interface Server {
  options: { ignoredHosts?: string[] };
  _expectsProxyHeader(socket: { remoteAddress?: string }): boolean;
  _handleProxy(socket: { remoteAddress?: string }, callback: ProxyCallback): void;
}

/** 16 characters of base 32, 5 random bits each. */
export function newSessionId(): string {
  const bytes = randomBytesPooled(16);
  let id = '';
  for (let i = 0; i < 16; i++) id += SESSION_ID_ALPHABET[bytes[i]! & 31];
  return id;
}

export function installSmtpServerPatches(): void {
  if (installed) return;
  const proto = (SMTPConnection as unknown as { prototype: Connection }).prototype;
  for (const name of PATCHED) {
    if (typeof proto[name] !== 'function') throw new Error(`smtp-server internals changed: SMTPConnection.${name} is missing`);
  }

  proto.init = function init(this: Connection) {
    const { lineTimeoutMs, onLineTimeout } = this._server.options;
    if (lineTimeoutMs && this._parser) {
      watchLines(this._parser, lineTimeoutMs, () => {
        onLineTimeout?.(this.remoteAddress);
        this.send(421, `4.4.2 ${this.name} Error: line not finished in time, closing connection`);
      });
    }
    this._setListeners(() => {
      const { maxClients, greetingDelayMs, onGreetingPassed } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      const delay = greetingDelayMs ? greetingDelayMs(this.remoteAddress) : LIBRARY_GREETING_DELAY_MS;
      if (delay <= 0) return this.connectionReady();
      setTimeout(() => {
        // An early talker was answered 421 and is closing: it did not pass.
        if (!this._closing && !this._closed) onGreetingPassed?.(this.remoteAddress);
        this.connectionReady();
      }, delay).unref();
    });
  };

  const originalOnCommand = proto._onCommand;
  proto._onCommand = function onCommand(this: Connection, command: Buffer, callback?: () => void) {
    // The library checks a TLS upgrade in progress and a shutdown first; keep that order.
    if (!this._ready && !this._upgrading && !this._server._closeTimeout) {
      this._server.options.onEarlyTalker?.(this.remoteAddress);
      return this.send(421, `4.5.0 ${this.name} Error: command sent before the greeting, closing connection`);
    }
    // Patch 8: the parser reads the next command (and so more input) only when the replies fit.
    const next = callback && (() => whenRepliesFit(this._socket, callback));
    return originalOnCommand.call(this, command, next);
  };

  const originalSend = proto.send;
  proto.send = function send(this: Connection, code: number, data?: string | string[], context?: unknown) {
    if (typeof data === 'string' && OWN_ENHANCED_CODE.test(data)) return originalSend.call(this, code, data, false);
    return originalSend.call(this, code, data, context);
  };

  const originalEnhanced = proto._getEnhancedStatusCode;
  proto._getEnhancedStatusCode = function enhanced(this: Connection, code: number, context?: unknown) {
    const derived = originalEnhanced.call(this, code, context);
    return code === 552 && derived ? '5.3.4' : derived;
  };

  const serverProto = (SMTPServer as unknown as { prototype: Server }).prototype;
  if (typeof serverProto._handleProxy !== 'function' || typeof serverProto._expectsProxyHeader !== 'function') {
    throw new Error('smtp-server internals changed: SMTPServer._handleProxy is missing');
  }
  const originalHandleProxy = serverProto._handleProxy;
  serverProto._handleProxy = function handleProxy(this: Server, socket, callback) {
    if (this._expectsProxyHeader(socket)) return originalHandleProxy.call(this, socket, callback);
    const ignore = Boolean(this.options.ignoredHosts && socket.remoteAddress !== undefined && this.options.ignoredHosts.includes(socket.remoteAddress));
    // At once, not after a setImmediate as the library does: under load every deferral waits for a whole
    // turn of the event loop, and a client that opens a connection per message pays it every time.
    callback(null, { id: newSessionId(), ignore });
  };

  for (const name of NOT_IMPLEMENTED_COMMANDS) {
    proto[`handler_${name}`] = function notImplemented(this: Connection, _command: Buffer, callback: () => void) {
      this.send(502, `5.5.1 ${name} not implemented`);
      callback();
    };
  }
  installDataStreamPatch();
  installed = true;
}
