// Two small changes to smtp-server's connection class, installed once at start-up. Each replaces
// behaviour the library hard-codes; smtp-server-patches.test.ts fails if an upgrade moves them.
//
// 1. Greeting delay. smtp-server waits a fixed 100 ms before its banner to catch clients that talk too
//    soon (spam bots that do not wait). That alone caps 20 sessions at about 200 messages/s and is
//    pointless for submission or trusted clients, so the delay becomes the option `greetingDelayMs`, a
//    function of the client address.
// 2. Enhanced status codes. smtp-server derives the RFC 3463 code from the reply code alone (554 is
//    always 5.6.0, 552 is 5.2.2). Our hooks know better: a reply text that starts with its own
//    enhanced code keeps it, and a 552 (always a size limit here) says 5.3.4.
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

type DelayFn = (remoteAddress: string) => number;
interface Connection {
  _server: { options: { maxClients?: number; greetingDelayMs?: DelayFn }; connections: Set<unknown> };
  _setListeners(cb: () => void): void;
  _getEnhancedStatusCode(code: number, context?: unknown): string;
  send(code: number, data?: string | string[], context?: unknown): void;
  connectionReady(): void;
  init(): void;
  remoteAddress: string;
  name: string;
}

const OWN_ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;
let installed = false;

export function installSmtpServerPatches(): void {
  if (installed) return;
  const proto = (SMTPConnection as unknown as { prototype: Connection }).prototype;
  for (const name of ['init', 'connectionReady', '_setListeners', 'send', '_getEnhancedStatusCode'] as const) {
    if (typeof proto[name] !== 'function') throw new Error(`smtp-server internals changed: SMTPConnection.${name} is missing`);
  }

  proto.init = function init(this: Connection) {
    this._setListeners(() => {
      const { maxClients, greetingDelayMs } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      const delay = greetingDelayMs ? greetingDelayMs(this.remoteAddress) : 100;
      setTimeout(() => this.connectionReady(), delay).unref();
    });
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
  installed = true;
}
