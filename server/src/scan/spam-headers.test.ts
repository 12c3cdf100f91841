// Tagging rewrites only the header block: mailparser reads the X-Spam-* headers and the prefixed subject
// back, the body stays byte for byte, forged X-Spam-* headers are replaced, and both line endings work.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { SpamTag } from './policy.ts';
import { addSpamHeaders } from './spam-headers.ts';

const spam: SpamTag = { isSpam: true, score: 1001.5, threshold: 5, rules: ['GTUBE', 'MISSING_DATE', 'NO_RECEIVED'], subjectPrefix: '[SPAM] ' };
const body = 'Hello,\r\n\r\nX-Spam-Flag: NO (this line is body text and must stay)\r\nSubject: not a header\r\n';
const message = (head: string): Buffer => Buffer.from(`${head}\r\n${body}`, 'utf8');
const bodyOf = (raw: Buffer): string => raw.toString('utf8').slice(raw.toString('utf8').indexOf('\r\n\r\n') + 4);

describe('addSpamHeaders', () => {
  it('adds the flag, score and status, prefixes the subject, and leaves the body alone', async () => {
    const raw = message('From: a@remote.test\r\nTo: b@example.test\r\nSubject: Cheap watches\r\n');
    const out = addSpamHeaders(raw, spam);
    const parsed = await simpleParser(out);
    expect(parsed.headers.get('x-spam-flag')).toBe('YES');
    expect(parsed.headers.get('x-spam-score')).toBe('1001.5');
    // Folded at 78 characters like SpamAssassin's own; unfolding leaves a space after the comma.
    expect(String(parsed.headers.get('x-spam-status')).replace(/,\s+(?=[A-Z])/g, ',')).toBe('Yes, score=1001.5 required=5.0 tests=GTUBE,MISSING_DATE,NO_RECEIVED');
    expect(parsed.subject).toBe('[SPAM] Cheap watches');
    expect(bodyOf(out)).toBe(body);
    expect(out.subarray(out.length - Buffer.byteLength(body)).equals(raw.subarray(raw.length - Buffer.byteLength(body)))).toBe(true);
  });

  it('labels ham with score and status but no flag and no prefix', async () => {
    const out = addSpamHeaders(message('Subject: Lunch\r\n'), { isSpam: false, score: -0.4, threshold: 5, rules: [], subjectPrefix: null });
    const parsed = await simpleParser(out);
    expect(parsed.headers.has('x-spam-flag')).toBe(false);
    expect(parsed.headers.get('x-spam-status')).toBe('No, score=-0.4 required=5.0 tests=none');
    expect(parsed.subject).toBe('Lunch');
  });

  it('replaces X-Spam-* headers the sender put in itself, including folded ones', async () => {
    const raw = message('X-Spam-Flag: NO\r\nX-Spam-Status: No, score=-100\r\n\tforged=yes\r\nX-Spam-Score: -100\r\nX-Spam-Other: kept\r\nSubject: hi\r\n');
    const out = addSpamHeaders(raw, spam);
    const parsed = await simpleParser(out);
    expect(parsed.headerLines.filter((h) => h.key.startsWith('x-spam-')).map((h) => h.key)).toEqual(['x-spam-other', 'x-spam-flag', 'x-spam-score', 'x-spam-status']);
    expect(out.toString()).not.toContain('forged');
  });

  it('does not stack prefixes and keeps an encoded subject decodable', async () => {
    expect((await simpleParser(addSpamHeaders(message('Subject: [SPAM] again\r\n'), spam))).subject).toBe('[SPAM] again');
    const encoded = addSpamHeaders(message('Subject: =?UTF-8?B?w6l0w6kgc29sZGVz?=\r\n'), spam);
    expect((await simpleParser(encoded)).subject).toBe('[SPAM] été soldes');
  });

  it('prefixes a folded subject and keeps raw 8-bit header bytes intact', async () => {
    const out = addSpamHeaders(message('Subject: first part\r\n second part\r\nX-Note: café\r\n'), spam);
    const parsed = await simpleParser(out);
    expect(parsed.subject).toBe('[SPAM] first part second part');
    expect(out.toString('utf8')).toContain('X-Note: café\r\n');
  });

  it('adds a subject when there is none', async () => {
    expect((await simpleParser(addSpamHeaders(message('From: a@remote.test\r\n'), spam))).subject).toBe('[SPAM]');
  });

  it('folds a long rule list into lines of at most 78 characters', () => {
    const rules = Array.from({ length: 20 }, (_, i) => `SOME_LONG_RULE_NAME_${i}`);
    const out = addSpamHeaders(message('Subject: x\r\n'), { ...spam, rules }).toString();
    const status = /X-Spam-Status:[^]*?\r\n(?![\t ])/.exec(out)![0];
    expect(status.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect(status.replace(/\r\n\t/g, '')).toContain(`tests=${rules.join(',')}`);
  });

  it('keeps bare-LF messages in LF and handles a message with no body', async () => {
    const lf = addSpamHeaders(Buffer.from('Subject: lf\n\nbody\n'), spam).toString();
    expect(lf).toMatch(/^Subject: \[SPAM\] lf\nX-Spam-Flag: YES\nX-Spam-Score: 1001\.5\nX-Spam-Status: [^\r]+\n\nbody\n$/);
    const headersOnly = addSpamHeaders(Buffer.from('Subject: no body'), spam).toString();
    expect(headersOnly).toMatch(/^Subject: \[SPAM\] no body\r\nX-Spam-Flag: YES\r\n/);
  });

  it('refuses a prefix that would break the header', () => {
    expect(() => addSpamHeaders(message('Subject: x\r\n'), { ...spam, subjectPrefix: '[SPAM]\r\nBcc: x@y' })).toThrow(/printable ASCII/);
  });
});
