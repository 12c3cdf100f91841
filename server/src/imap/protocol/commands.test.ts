// Parsing commands into typed values, and the BAD each malformed one gets, tag kept.
import { describe, expect, it } from 'vitest';
import { parseCommand, type Parsed } from './commands.ts';

const parse = (s: string): Parsed => parseCommand(Buffer.from(s, 'latin1'));
const command = (s: string) => {
  const p = parse(s);
  if ('error' in p) throw new Error(`unexpected ${p.error.status} ${p.error.message}`);
  return p.command;
};
const error = (s: string) => {
  const p = parse(s);
  return 'error' in p ? `${p.tag} ${p.error.status} ${p.error.message}` : 'parsed';
};

describe('parseCommand', () => {
  it('parses commands without arguments, case-insensitively', () => {
    expect(parse('a1 noop')).toEqual({ tag: 'a1', command: { name: 'NOOP' } });
    expect(command('A.2 Capability')).toEqual({ name: 'CAPABILITY' });
  });

  it('reads atoms, quoted strings and literals as strings', () => {
    expect(command('a LOGIN alice "p\\"w\\\\d"')).toEqual({ name: 'LOGIN', user: 'alice', password: 'p"w\\d' });
    const utf8 = parseCommand(Buffer.concat([Buffer.from('a LOGIN {5}\r\nalice {3+}\r\n'), Buffer.from('sé')]));
    expect(utf8).toEqual({ tag: 'a', command: { name: 'LOGIN', user: 'alice', password: 'sé' } });
  });

  it('decodes mailbox names from modified UTF-7 and normalises nothing else', () => {
    expect(command('a SELECT Entw&APw-rfe')).toEqual({ name: 'SELECT', mailbox: 'Entwürfe', condstore: false, qresync: null });
    expect(command('a RENAME "A B" "C/D"')).toEqual({ name: 'RENAME', from: 'A B', to: 'C/D' });
    expect(command('a LIST "" %')).toEqual({
      name: 'LIST',
      reference: '',
      patterns: ['%'],
      selection: [],
      returns: { subscribed: false, children: false, specialUse: false, status: null },
      extended: false,
    });
    expect(command('a LSUB "Work/" *')).toEqual({
      name: 'LSUB',
      reference: 'Work/',
      patterns: ['*'],
      selection: [],
      returns: { subscribed: false, children: false, specialUse: false, status: null },
      extended: false,
    });
  });

  it('parses STATUS, APPEND, STORE and COPY', () => {
    expect(command('a STATUS INBOX (MESSAGES unseen)')).toEqual({ name: 'STATUS', mailbox: 'INBOX', items: ['MESSAGES', 'UNSEEN'] });
    const append = command('a APPEND Drafts (\\Draft $Todo) " 7-Jul-2024 10:00:00 +0200" {2}\r\nhi');
    expect(append).toEqual({ name: 'APPEND', mailbox: 'Drafts', messages: [{ flags: ['\\Draft', '$Todo'], date: Date.UTC(2024, 6, 7, 8), message: Buffer.from('hi'), binary: false }] });
    expect(command('a UID STORE 1:* -FLAGS.SILENT \\Seen \\Flagged')).toEqual({
      name: 'STORE',
      uid: true,
      set: [[1, '*']],
      op: 'remove',
      silent: true,
      flags: ['\\Seen', '\\Flagged'],
      unchangedSince: null,
    });
    expect(command('a COPY 2,4:5 Trash')).toEqual({
      name: 'COPY',
      uid: false,
      set: [
        [2, 2],
        [4, 5],
      ],
      mailbox: 'Trash',
    });
    expect(command('a UID EXPUNGE 3')).toEqual({ name: 'UID EXPUNGE', set: [[3, 3]] });
    expect(command('a UID MOVE 1 Archive')).toEqual({ name: 'MOVE', uid: true, set: [[1, 1]], mailbox: 'Archive' });
  });

  it('parses MULTIAPPEND, literal8, CREATE with USE, the quota commands and new STATUS items', () => {
    const multi = command('a APPEND INBOX (\\Seen) {2}\r\nhi ~{3}\r\nb\0c {1+}\r\nx');
    expect(multi).toEqual({
      name: 'APPEND',
      mailbox: 'INBOX',
      messages: [
        { flags: ['\\Seen'], date: null, message: Buffer.from('hi'), binary: false },
        { flags: [], date: null, message: Buffer.from('b\0c'), binary: true },
        { flags: [], date: null, message: Buffer.from('x'), binary: false },
      ],
    });
    expect(command('a CREATE Sent2 (USE (\\Sent))')).toEqual({ name: 'CREATE', mailbox: 'Sent2', specialUse: ['\\Sent'] });
    expect(command('a CREATE Plain')).toEqual({ name: 'CREATE', mailbox: 'Plain', specialUse: [] });
    expect(command('a GETQUOTAROOT INBOX')).toEqual({ name: 'GETQUOTAROOT', mailbox: 'INBOX' });
    expect(command('a GETQUOTA ""')).toEqual({ name: 'GETQUOTA', root: '' });
    expect(command('a STATUS INBOX (SIZE DELETED deleted-storage)')).toEqual({ name: 'STATUS', mailbox: 'INBOX', items: ['SIZE', 'DELETED', 'DELETED-STORAGE'] });
  });

  it('parses LIST-EXTENDED selection options, several patterns and RETURN options', () => {
    expect(command('a LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" Work/%) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))')).toEqual({
      name: 'LIST',
      reference: '',
      patterns: ['INBOX', 'Work/%'],
      selection: ['SUBSCRIBED', 'RECURSIVEMATCH'],
      returns: { subscribed: false, children: true, specialUse: false, status: ['MESSAGES', 'UNSEEN'] },
      extended: true,
    });
    expect(command('a LIST () "" % RETURN ()')).toMatchObject({ patterns: ['%'], selection: [], extended: true });
    expect(command('a LIST (SPECIAL-USE) "" * RETURN (SPECIAL-USE SUBSCRIBED)')).toMatchObject({ selection: ['SPECIAL-USE'], returns: { subscribed: true, specialUse: true } });
  });

  it('parses BINARY items with part numbers only', () => {
    expect(command('a FETCH 1 (BINARY.PEEK[1.2]<0.10> BINARY[] BINARY.SIZE[3])')).toMatchObject({
      items: [
        { kind: 'BINARY', peek: true, path: [1, 2], partial: { start: 0, length: 10 } },
        { kind: 'BINARY', peek: false, path: [] },
        { kind: 'BINARY.SIZE', path: [3] },
      ],
    });
  });

  it('parses FETCH items, macros and sections', () => {
    expect(command('a FETCH 1 FAST')).toMatchObject({ items: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }] });
    expect(command('a FETCH 1:3 (UID BODY.PEEK[1.2.HEADER.FIELDS (From "To")]<10.20> BODY[] BODY)')).toEqual({
      name: 'FETCH',
      uid: false,
      set: [[1, 3]],
      items: [
        { kind: 'UID' },
        { kind: 'SECTION', peek: true, section: { path: [1, 2], text: 'HEADER.FIELDS', fields: ['From', 'To'] }, partial: { start: 10, length: 20 } },
        { kind: 'SECTION', peek: false, section: { path: [] } },
        { kind: 'BODY' },
      ],
      changedSince: null,
      vanished: false,
    });
    expect(command('a FETCH 1 BODY[2.MIME]')).toMatchObject({ items: [{ section: { path: [2], text: 'MIME' } }] });
  });

  it('parses the CONDSTORE and QRESYNC modifiers (RFC 7162)', () => {
    expect(command('a SELECT INBOX (CONDSTORE)')).toMatchObject({ condstore: true, qresync: null });
    expect(command('a EXAMINE INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541) CONDSTORE)')).toMatchObject({
      condstore: true,
      qresync: {
        uidValidity: 67890007,
        modseq: Number.MAX_SAFE_INTEGER,
        knownUids: [
          [41, 41],
          [43, 211],
          [214, 541],
        ],
      },
    });
    // RFC 7162's example value is above 2^53: clamped, which keeps every comparison with a real modseq.
    expect(command('a SELECT INBOX (QRESYNC (1 2 1:9 (1:3 4:6)))')).toMatchObject({ qresync: { uidValidity: 1, modseq: 2, knownUids: [[1, 9]] } });
    expect(command('a SELECT INBOX (QRESYNC (1 2 (1:3 4:6)))')).toMatchObject({ qresync: { knownUids: null } });
    expect(command('a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)')).toMatchObject({ changedSince: 12345, vanished: true });
    expect(command('a STORE 1 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Deleted)')).toMatchObject({ unchangedSince: 0, op: 'add', silent: true });
    expect(command('a SEARCH MODSEQ "/flags/\\\\draft" all 620162338')).toMatchObject({ key: { kind: 'modseq', modseq: 620162338 } });
    expect(command('a STATUS INBOX (HIGHESTMODSEQ)')).toMatchObject({ items: ['HIGHESTMODSEQ'] });
    for (const badLine of [
      'a SELECT INBOX ()',
      'a SELECT INBOX (CONDSTORE CONDSTORE)',
      'a FETCH 1 FLAGS (VANISHED)',
      'a FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)',
      'a STORE 1 (UNCHANGEDSINCE) +FLAGS x',
      'a SELECT INBOX (QRESYNC (0 1))',
    ]) {
      expect(parseCommand(Buffer.from(`${badLine}\r\n`))).toMatchObject({ error: expect.anything() });
    }
  });

  it('parses SEARCH programs', () => {
    expect(command('a SEARCH CHARSET utf-8 OR FROM "bob" NOT SEEN SINCE 1-Feb-2024 2:4')).toEqual({
      name: 'SEARCH',
      uid: false,
      returns: null,
      charset: 'UTF-8',
      key: {
        kind: 'and',
        keys: [
          { kind: 'or', a: { kind: 'header', field: 'from', value: 'bob' }, b: { kind: 'not', key: { kind: 'flag', flag: '\\Seen', present: true } } },
          { kind: 'date', of: 'internal', op: 'since', day: 20240201 },
          { kind: 'seq', set: [[2, 4]] },
        ],
      },
    });
    expect(command('a UID SEARCH (HEADER X-Spam "" LARGER 10) UID 5:*')).toMatchObject({ uid: true, key: { kind: 'and' } });
  });

  it('parses ID and ENABLE', () => {
    expect(command('a ID ("name" "imaplib" "version" NIL)')).toEqual({
      name: 'ID',
      params: [
        ['name', 'imaplib'],
        ['version', null],
      ],
    });
    expect(command('a ID NIL')).toEqual({ name: 'ID', params: null });
    expect(command('a ENABLE condstore UTF8=ACCEPT')).toEqual({ name: 'ENABLE', extensions: ['CONDSTORE', 'UTF8=ACCEPT'] });
  });

  it('answers BAD with the tag for malformed commands', () => {
    expect(error('a1 NOPE')).toBe('a1 BAD Unknown command NOPE');
    expect(error('+x NOOP')).toBe('* BAD Missing or invalid tag');
    expect(error('a2 LOGIN alice')).toBe('a2 BAD Missing arguments');
    expect(error('a3 LOGIN alice  pw')).toBe('a3 BAD Expected a password');
    expect(error('a4 FETCH 0 FLAGS')).toBe('a4 BAD Invalid number "0" in sequence set');
    expect(error('a5 FETCH 1 BODY[1.]')).toBe('a5 BAD Section ends with "."');
    expect(error('a6 FETCH 1 BODY[1HEADER]')).toBe('a6 BAD Expected "." after the part number');
    expect(error('a7 FETCH 1 BODY.PEEK')).toBe('a7 BAD BODY.PEEK needs a section');
    expect(error('a8 STATUS INBOX ()')).toBe('a8 BAD Empty status item list');
    expect(error('a9 STATUS INBOX (BIGNESS)')).toBe('a9 BAD Unknown status item "BIGNESS"');
    expect(error('b1 SEARCH FOO')).toBe('b1 BAD Unknown search key "FOO"');
    expect(error('b2 LOGIN {5}\r\nab')).toBe('b2 BAD Literal is shorter than announced');
    expect(error('b3 LIST (FOLDERS) "" *')).toBe('b3 BAD Unknown LIST selection option "FOLDERS"');
    expect(error('c1 LIST (RECURSIVEMATCH) "" *')).toBe('c1 BAD RECURSIVEMATCH needs another selection option such as SUBSCRIBED');
    expect(error('c2 LIST "" * RETURN (MAGIC)')).toBe('c2 BAD Unknown LIST return option "MAGIC"');
    expect(error('c3 LIST "" * RETURN (STATUS (SOON))')).toBe('c3 BAD Unknown status item "SOON"');
    expect(error('c4 LIST "" ()')).toBe('c4 BAD Empty LIST pattern list');
    expect(error('c5 LIST "" * EXTRA')).toBe('c5 BAD Expected RETURN and a list of return options');
    expect(error('c6 LSUB (SUBSCRIBED) "" *')).toBe('c6 BAD LSUB takes one pattern and no options; use LIST (SUBSCRIBED)');
    expect(error('d1 FETCH 1 BINARY[1.MIME]')).toBe('d1 BAD A BINARY section has part numbers only');
    expect(error('d2 FETCH 1 BINARY[HEADER]')).toBe('d2 BAD A BINARY section has part numbers only');
    expect(error('d3 FETCH 1 BINARY.SIZE')).toBe('d3 BAD Expected a BINARY section');
    expect(error('d4 FETCH 1 BINARY[1]<5>')).toBe('d4 BAD Expected "."');
    expect(error('d5 FETCH 1 BINARY[0]')).toBe('d5 BAD Expected a part number');
    expect(error('e1 APPEND INBOX ~"abc"')).toBe('e1 BAD Expected a literal after "~"');
    expect(error('e2 APPEND INBOX {1}\r\na (\\Seen)')).toBe('e2 BAD Missing arguments');
    expect(error('e3 APPEND INBOX {1}\r\na {5}\r\nab')).toBe('e3 BAD Literal is shorter than announced');
    expect(error('e4 CREATE X (USE \\Sent)')).toBe('e4 BAD Expected a list of special-use attributes');
    expect(error('e5 CREATE X (COLOUR (red))')).toBe('e5 BAD The only CREATE parameter is USE (RFC 6154)');
    expect(error('b4 APPEND INBOX (\\Seen)')).toBe('b4 BAD Missing arguments');
    expect(error('b5 SEARCH ' + '('.repeat(60) + 'ALL' + ')'.repeat(60))).toBe('b5 BAD Search criteria nested too deeply');
    expect(error('b6 SELECT "a\0b"')).toBe('b6 BAD Line break or NUL in a quoted string');
  });
});
