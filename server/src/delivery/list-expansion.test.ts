// List expansion and list policies on a real SQLite store: nested lists followed once each (a loop ends),
// an address reached twice counted once, aliases among the members followed, unknown local members
// skipped, and a list past MAX_LIST_RECIPIENTS refused as a whole; decideRecipient applies the policy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { expandList, MAX_LIST_RECIPIENTS } from './list-expansion.ts';
import { decideRecipient } from './recipient-policy.ts';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-lists-'));
  store = openSqliteStore(path.join(dir, 'mailroom.db'));
  await store.addDomain('example.test');
  await store.addAccount('alice@example.test', 'x');
  await store.addAccount('bob@example.test', 'x');
  await store.addAlias('sales@example.test', 'bob@example.test');
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const list = async (address: string, members: string[], policy: 'anyone' | 'members' | 'authenticated' = 'anyone') => {
  await store.addList(address, policy, 0);
  for (const m of members) await store.addListMember(address, m);
};

it('follows nested lists once each: a loop ends and every address gets one copy', async () => {
  await list('a@example.test', ['alice@example.test', 'b@example.test', 'a@example.test', 'far@remote.test']);
  await list('b@example.test', ['a@example.test', 'sales@example.test', 'alice@example.test', 'ghost@example.test', 'FAR@remote.test']);
  const expansion = await expandList((await store.findList('a@example.test'))!, store);
  expect(expansion.ok).toBe(true);
  const recipients = expansion.ok ? expansion.recipients : [];
  expect(recipients.map((r) => `${r.address} ${r.destination}`).sort()).toEqual(['alice@example.test local', 'bob@example.test local', 'far@remote.test remote']);
});

it(`refuses a list of more than ${MAX_LIST_RECIPIENTS} recipients, nested lists included`, async () => {
  const half = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}@remote.test`);
  await list('big@example.test', [...half(600, 'x'), 'more@example.test']);
  await list('more@example.test', half(401, 'y'));
  expect(await expandList((await store.findList('big@example.test'))!, store)).toEqual({ ok: false, tooMany: true });
  await store.removeListMember('more@example.test', 'y400@remote.test');
  const exactly = await expandList((await store.findList('big@example.test'))!, store);
  expect(exactly.ok && exactly.recipients.length).toBe(MAX_LIST_RECIPIENTS);
  const decision = await decideRecipient('big@example.test', { authenticated: false, trusted: false }, store);
  expect(decision.ok).toBe(true);
  await store.addListMember('more@example.test', 'y400@remote.test');
  expect(await decideRecipient('big@example.test', { authenticated: false, trusted: false }, store)).toMatchObject({ ok: false, code: 550, message: expect.stringMatching(/^5\.5\.3 /) });
});

it('applies the addressed list policy at RCPT; an alias to a list leads to it', async () => {
  await list('staff@example.test', ['alice@example.test'], 'members');
  await list('board@example.test', ['bob@example.test'], 'authenticated');
  await store.addAlias('everyone@example.test', 'staff@example.test');
  const anon = { authenticated: false, trusted: false };
  expect(await decideRecipient('staff@example.test', { ...anon, sender: 'x@remote.test' }, store)).toMatchObject({ ok: false, code: 550, reason: 'sender_denied' });
  expect(await decideRecipient('staff@example.test', anon, store)).toMatchObject({ ok: false, code: 550 });
  expect(await decideRecipient('everyone@example.test', { ...anon, sender: 'Alice@Example.test' }, store)).toMatchObject({ ok: true, recipients: [{ address: 'alice@example.test' }] });
  expect(await decideRecipient('board@example.test', { ...anon, sender: 'bob@example.test' }, store)).toMatchObject({ ok: false, reason: 'sender_denied' });
  expect(await decideRecipient('board@example.test', { authenticated: true, trusted: false }, store)).toMatchObject({ ok: true, recipients: [{ address: 'bob@example.test' }] });
});

it('a list with no member that can receive mail is refused as an unknown user', async () => {
  await list('empty@example.test', ['ghost@example.test']);
  expect(await decideRecipient('empty@example.test', { authenticated: false, trusted: false }, store)).toMatchObject({ ok: false, code: 550, reason: 'unknown_user' });
});
