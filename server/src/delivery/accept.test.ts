// MessageIntake against a store that records its calls and answers when the test says so: batching by
// event-loop turn, answers only after the store's commit, and a failed batch retried message by message.
import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.ts';
import type { AcceptedMessage, NewMessage } from '../store/types.ts';
import { EventBus } from '../telemetry/events.ts';
import { MessageIntake } from './accept.ts';

interface Call {
  ids: string[];
  commit: () => void;
  fail: (err: Error) => void;
}

/** acceptMessages that waits for the test to commit or fail each call, like a commit in a worker. */
function recordingStore() {
  const calls: Call[] = [];
  const store = {
    acceptMessages: (messages: NewMessage[]) =>
      new Promise<AcceptedMessage[]>((resolve, reject) => {
        const results = messages.map((m) => ({ id: m.id, filed: 0, queued: m.recipients.length }));
        calls.push({ ids: messages.map((m) => m.id), commit: () => resolve(results), fail: reject });
      }),
  };
  return { calls, store: store as unknown as Store };
}

const envelope = { sender: 'a@remote.test', recipients: [{ address: 'b@far.test', destination: 'remote' as const }], source: 'smtp' as const };
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('MessageIntake', () => {
  it('hands the messages of one event-loop turn to the store as one batch and answers after its commit', async () => {
    const { calls, store } = recordingStore();
    const intake = new MessageIntake(store, new EventBus());
    let answered = 0;
    const accepted = ['M1', 'M2', 'M3'].map((id) => intake.accept(id, envelope, Buffer.from(id)).then((x) => (answered++, x)));
    await turn();
    expect(calls.map((c) => c.ids)).toEqual([['M1', 'M2', 'M3']]);
    const next = intake.accept('M4', envelope, Buffer.from('M4')); // while the first batch commits
    await turn();
    expect(calls.map((c) => c.ids)).toEqual([['M1', 'M2', 'M3'], ['M4']]);
    expect(answered).toBe(0);
    calls[0]!.commit();
    expect(await Promise.all(accepted)).toEqual(['M1', 'M2', 'M3']);
    calls[1]!.commit();
    expect(await next).toBe('M4');
  });

  it('retries a failed batch message by message, so only the bad message is refused', async () => {
    const { calls, store } = recordingStore();
    const intake = new MessageIntake(store, new EventBus());
    const good = intake.accept('GOOD', envelope, Buffer.from('x'));
    const bad = intake.accept('BAD', envelope, Buffer.from('y'));
    await turn();
    calls[0]!.fail(new Error('UNIQUE constraint failed'));
    await turn();
    expect(calls.map((c) => c.ids)).toEqual([['GOOD', 'BAD'], ['GOOD']]);
    calls[1]!.commit();
    await turn();
    calls[2]!.fail(new Error('UNIQUE constraint failed'));
    await expect(good).resolves.toBe('GOOD');
    await expect(bad).rejects.toThrow(/UNIQUE/);
  });

  it('wakes the scheduler once the batch left something in the queue', async () => {
    const { calls, store } = recordingStore();
    const intake = new MessageIntake(store, new EventBus());
    let woken = 0;
    intake.onAccepted(() => woken++);
    const accepted = intake.accept('Q1', envelope, Buffer.from('x'));
    await turn();
    calls[0]!.commit();
    await accepted;
    await turn();
    expect(woken).toBe(1);
  });
});
