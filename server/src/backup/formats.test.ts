// The pure pieces of export and import: flag letters both ways, the From-line date, mboxrd quoting, and the
// header edits (folded headers, a message without a header block) that must never change anything else.
import { describe, expect, it } from 'vitest';
import { flagsFromMaildirName, flagsFromMboxHeaders, maildirInfo, mboxFlagHeaders } from './mail-flags.ts';
import { mailboxOfFolder, maildirFolder } from './maildir-layout.ts';
import { asctime, envelopeSender, escapeFromLines, fromLineDate, unescapeFromLines } from './mbox-format.ts';
import { putFlagHeaders, takeFlagHeaders, toCrlf, toLf } from './message-text.ts';

const ALL = ['\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen'];

describe('flags', () => {
  it('maildir info letters are in ASCII order and come back as the same flags', () => {
    expect(maildirInfo(ALL)).toBe('2,DFRST');
    expect(maildirInfo([])).toBe('2,');
    expect(flagsFromMaildirName(`1700000000.M1U2.mailroom:${maildirInfo(ALL)}`).sort()).toEqual(ALL);
    expect(flagsFromMaildirName('1700000000.M1U2.host')).toEqual([]);
  });

  it('mbox headers carry system flags and keywords and come back as the same flags', () => {
    const h = mboxFlagHeaders([...ALL, '$Work']);
    expect(h).toEqual({ status: 'RO', xStatus: 'AFTD', keywords: ['$Work'] });
    expect(flagsFromMboxHeaders(h).sort()).toEqual([...ALL, '$Work'].sort());
    expect(flagsFromMboxHeaders(mboxFlagHeaders([]))).toEqual([]);
  });

  it('maps mailboxes to Maildir++ folders and back', () => {
    expect(maildirFolder('INBOX')).toBe('');
    expect(maildirFolder('Archive/2024')).toBe('.Archive.2024');
    expect(mailboxOfFolder('.Archive.2024')).toBe('Archive/2024');
    expect(mailboxOfFolder('cur')).toBeNull();
  });
});

describe('mbox format', () => {
  it('writes the From-line date as asctime in UTC and reads it back', () => {
    const t = Date.UTC(2026, 11, 4, 9, 5, 7);
    expect(asctime(t)).toBe('Fri Dec  4 09:05:07 2026');
    expect(fromLineDate(`From a@b.test ${asctime(t)}`)).toBe(t);
    expect(fromLineDate('From a@b.test yesterday')).toBeNull();
  });

  it('quotes From lines reversibly (mboxrd)', () => {
    const body = 'From here\n>From there\n>>From afar\n From not at the start\n';
    expect(escapeFromLines(body)).toBe('>From here\n>>From there\n>>>From afar\n From not at the start\n');
    expect(unescapeFromLines(escapeFromLines(body))).toBe(body);
  });

  it('takes the envelope sender from Return-Path in the header only', () => {
    expect(envelopeSender('Return-Path: <a@b.test>\nSubject: x\n\nbody\n')).toBe('a@b.test');
    expect(envelopeSender('Return-Path: <>\n\n')).toBe('MAILER-DAEMON');
    expect(envelopeSender('Subject: x\n\nReturn-Path: <c@d.test>\n')).toBe('MAILER-DAEMON');
  });
});

describe('flag headers', () => {
  it('replaces Status headers (folded ones too) and leaves every other byte alone', () => {
    const text = 'Subject: hi\nStatus: RO\nX-Status: A\n  continued\nTo: x@y.test\n\nStatus: in the body\n';
    const taken = takeFlagHeaders(text);
    expect(taken.text).toBe('Subject: hi\nTo: x@y.test\n\nStatus: in the body\n');
    expect(Object.fromEntries(taken.values)).toEqual({ status: 'RO', 'x-status': 'A' });
    expect(putFlagHeaders(text, ['Status: O'])).toBe('Subject: hi\nTo: x@y.test\nStatus: O\n\nStatus: in the body\n');
    expect(takeFlagHeaders(putFlagHeaders(taken.text, ['Status: O'])).text).toBe(taken.text);
  });

  it('handles a message that is all header, and one with no header', () => {
    expect(putFlagHeaders('Subject: hi\n', ['Status: O'])).toBe('Subject: hi\nStatus: O\n\n');
    expect(putFlagHeaders('\nbody\n', ['Status: O'])).toBe('Status: O\n\nbody\n');
  });

  it('converts line ends between the store (CRLF) and files (LF)', () => {
    expect(toLf('a\r\nb\r\n')).toBe('a\nb\n');
    expect(toCrlf('a\nb\r\nc\n')).toBe('a\r\nb\r\nc\r\n');
  });
});
