// A progress bar for long CLI commands (`mailroom db copy`). On a terminal it redraws one line in place
// (at most ten times a second); into a pipe or a file it writes a line at each tenth of the way, so a
// log of the run stays short and still shows it moving.
export interface ProgressBar {
  /** `done` of the total so far; `label` says what is being worked on (e.g. "mail 1,200 of 5,000"). */
  update(done: number, label: string): void;
  /** Draws 100% and ends the line. */
  finish(label: string): void;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 30;
const REDRAW_MS = 100;

export function progressBar(out: Output, title: string, total: number): ProgressBar {
  let lastDraw = 0;
  let lastTenth = -1;
  const percent = (done: number) => (total === 0 ? 100 : Math.min(100, Math.floor((done / total) * 100)));
  const line = (done: number, label: string) => {
    const p = percent(done);
    const filled = Math.round((p / 100) * WIDTH);
    return `${title} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(p).padStart(3)}% ${label}`;
  };
  return {
    update(done, label) {
      if (out.isTTY) {
        const now = Date.now();
        if (now - lastDraw < REDRAW_MS) return;
        lastDraw = now;
        out.write(`\r${line(done, label)}\x1b[K`);
        return;
      }
      const tenth = Math.floor(percent(done) / 10);
      if (tenth === lastTenth || tenth === 10) return;
      lastTenth = tenth;
      out.write(`${line(done, label)}\n`);
    },
    finish(label) {
      out.write(out.isTTY ? `\r${line(total, label)}\x1b[K\n` : `${line(total, label)}\n`);
    },
  };
}
