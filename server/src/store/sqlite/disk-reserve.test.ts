import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskReserve, RECHECK_MS } from './disk-reserve.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function reserve(clock: { t: number }): DiskReserve {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-reserve-'));
  dirs.push(dir);
  return new DiskReserve(path.join(dir, 'mailroom.db.reserve'), 64 * 1024, () => clock.t);
}

describe('DiskReserve', () => {
  it('knows its own changes at once', () => {
    const clock = { t: 0 };
    const r = reserve(clock);
    expect(r.held).toBe(false);
    expect(r.ensure()).toBe(true);
    expect(r.held).toBe(true);
    expect(fs.statSync(r.file).size).toBe(64 * 1024);
    expect(r.release()).toBe(true);
    expect(r.held).toBe(false);
    expect(fs.existsSync(r.file)).toBe(false);
  });

  it("trusts what it saw for RECHECK_MS, then sees another process's change (the file is the shared state)", () => {
    const clock = { t: 0 };
    const r = reserve(clock);
    r.ensure();
    fs.unlinkSync(r.file); // another process (the CLI) released it
    clock.t += RECHECK_MS - 1;
    expect(r.held).toBe(true);
    clock.t += 1;
    expect(r.held).toBe(false);
    // A release by this process of a file already gone says so, and is remembered as not held.
    expect(r.release()).toBe(false);
    expect(r.held).toBe(false);
  });
});
