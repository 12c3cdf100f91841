// The pure parts of the SMTP throughput benchmark: statistics, the BENCHMARKS.md merge, the private
// Postfix master.cf and the profile summary. The benchmark itself is run by hand (npm run bench:smtp).
import { describe, expect, it } from 'vitest';
import { privateMasterCf } from './postfix.ts';
import { summariseProfile, type CpuProfile } from './profile.ts';
import { median, renderTable, SECTION_TITLE, type Cell } from './report.ts';
import { mergeSection } from '../benchmarks-md.ts';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('mergeSection', () => {
  const section = `${SECTION_TITLE}\n\nnew figures\n`;

  it('creates the file with a title when there is none', () => {
    const out = mergeSection(null, SECTION_TITLE, section);
    expect(out.startsWith('# Benchmarks\n')).toBe(true);
    expect(out.endsWith(section)).toBe(true);
  });

  it('replaces only its own section and keeps the others', () => {
    const existing = `# Benchmarks\n\nintro\n\n${SECTION_TITLE}\n\nold figures\n\n## IMAP\n\nimap figures\n`;
    expect(mergeSection(existing, SECTION_TITLE, section)).toBe(`# Benchmarks\n\nintro\n\n${SECTION_TITLE}\n\nnew figures\n\n## IMAP\n\nimap figures\n`);
  });

  it('appends the section when the file has none', () => {
    expect(mergeSection('# Benchmarks\n\n## IMAP\n\nx\n', SECTION_TITLE, section)).toBe(`# Benchmarks\n\n## IMAP\n\nx\n\n${section}`);
  });
});

describe('renderTable', () => {
  it('shows median rates with their range and the ratio to Postfix', () => {
    const cells: Cell[] = [
      { targetId: 'postfix', label: 'Postfix', sizeBytes: 1024, messages: 100, runs: [1, 2, 4].map((s) => ({ acceptSeconds: s, deliverSeconds: s, cpuShare: null })), errors: [] },
      { targetId: 'mailroom', label: 'Mailroom', sizeBytes: 1024, messages: 100, runs: [{ acceptSeconds: 1, deliverSeconds: 2, cpuShare: 0.5 }], errors: ['boom'] },
    ];
    const table = renderTable(cells);
    expect(table).toContain('| Postfix | 1 KiB | 100 | 50.0 (25.0-100) | 50.0 (25.0-100) |  | n/a |');
    expect(table).toContain('| Mailroom | 1 KiB | 100 | 100 **1 failed run(s)** | 50.0 | 2.00x | 50% |');
  });
});

describe('privateMasterCf', () => {
  it('moves smtpd to the loopback port and turns chroot off everywhere', () => {
    const original = [
      '# comment',
      'smtp      inet  n       -       y       -       -       smtpd',
      'cleanup   unix  n       -       y       -       0       cleanup',
      '  -o syslog_name=postfix/$service_name',
    ].join('\n');
    expect(privateMasterCf(original, 2600).split('\n')).toEqual(['# comment', '127.0.0.1:2600 inet n - n - - smtpd', 'cleanup unix n - n - 0 cleanup', '  -o syslog_name=postfix/$service_name']);
  });
});

describe('summariseProfile', () => {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4] },
      { id: 2, callFrame: frame('enqueue', 'file:///repo/server/src/store/sqlite/queue.ts'), children: [3] },
      { id: 3, callFrame: frame('run', 'file:///repo/node_modules/better-sqlite3/lib/x.js') },
      { id: 4, callFrame: frame('(idle)') },
    ],
    samples: [3, 3, 2, 4],
    timeDeltas: [0, 1000, 1000, 1000, 1000],
    startTime: 0,
    endTime: 4000,
  };

  it('splits self time by function and area, and totals Mailroom functions with their callees', () => {
    const s = summariseProfile(profile);
    expect(s.busyMs).toBe(3);
    expect(s.functions[0]).toEqual({ name: 'run better-sqlite3/lib/x.js:1', ms: 2, share: 2 / 3 });
    expect(s.areas.map((a) => a.name)).toEqual(['better-sqlite3', 'mailroom server/src/store/sqlite', '(idle)']);
    expect(s.mailroom).toEqual([{ name: 'enqueue server/src/store/sqlite/queue.ts', ms: 3, share: 1 }]);
  });

  it('keeps only the samples inside the window', () => {
    expect(summariseProfile(profile, 20, [1500, 2500]).busyMs).toBe(1);
  });
});
