// Stopping the IMAP and POP3 listeners (what a server stop does): clients waiting for their next
// command, or idling, are told at once (IMAP BYE, POP3 -ERR [SYS/TEMP]); a client in the middle of a
// command finishes it within the grace period (1 s here) and then hears BYE; new connections are refused.
// IN-PROCESS until mail-server.ts starts these listeners (see helpers/mail-stack.ts).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { RawClient } from './helpers/raw-client.ts';

let stack: MailStack;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('kim@example.test', 'kim-pw');
});

afterAll(async () => {
  await stack?.stop();
});

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });

describe('listener shutdown', () => {
  it('ends idle sessions at once, lets a command in progress finish, then refuses connections', async () => {
    const waiting = await RawClient.connect(stack.ports.imap);
    await waiting.waitFor(/^\* OK /);
    waiting.send('a1 LOGIN kim@example.test kim-pw\r\na2 SELECT INBOX\r\na3 IDLE\r\n');
    await waiting.waitFor(/\+ idling\r\n/);

    const pop = await RawClient.connect(stack.ports.pop3);
    await pop.waitFor(/^\+OK /);

    const busy = await RawClient.connect(stack.ports.imap);
    await busy.waitFor(/^\* OK /);
    busy.send('b1 LOGIN kim@example.test kim-pw\r\n');
    await busy.waitFor(/b1 OK /);
    const message = plain('sent during shutdown');
    busy.send(`b2 APPEND INBOX {${message.length}}\r\n`);
    await busy.waitFor(/\+ Ready for literal data\r\n/);

    const closing = stack.closeListeners();
    await waiting.waitForClose();
    await pop.waitForClose();
    expect(waiting.output).toMatch(/\* BYE Server shutting down\r\n$/);
    expect(pop.output).toMatch(/-ERR \[SYS\/TEMP\] Server shutting down\r\n$/);

    busy.send(`${message}\r\n`);
    await busy.waitForClose();
    expect(busy.output).toMatch(/b2 OK \[APPENDUID \d+ 1\] APPEND completed\r\n\* BYE Server shutting down\r\n$/);

    await closing;
    expect(await refused(stack.ports.imap)).toBe(true);
    expect(await refused(stack.ports.pop3)).toBe(true);
    expect(stack.service.sessions.counts()).toMatchObject({ imap: 0, pop3: 0 });
  });
});
