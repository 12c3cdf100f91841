// Log categories (as hMailServer has them) that an admin switches on and off at run time. The choice
// is kept in data_dir/logging.json so it survives a restart; log.categories (MAILROOM_LOG_CATEGORIES)
// only seeds it at first start.
import fs from 'node:fs';
import path from 'node:path';

export const LOG_CATEGORIES = ['smtp', 'submission', 'pop3', 'imap', 'tcpip', 'delivery', 'application', 'debug'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

export type CategoryState = Record<LogCategory, boolean>;

export function stateOf(enabled: readonly string[]): CategoryState {
  return Object.fromEntries(LOG_CATEGORIES.map((c) => [c, enabled.includes(c)])) as CategoryState;
}

export class CategorySwitches {
  private state: CategoryState;
  private readonly listeners = new Set<(state: CategoryState) => void>();

  constructor(
    initial: readonly string[],
    private readonly file: string | null = null,
  ) {
    this.state = stateOf(initial);
    if (file && fs.existsSync(file)) {
      try {
        const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { categories?: unknown };
        if (Array.isArray(saved.categories)) this.state = stateOf(saved.categories.filter((c): c is string => typeof c === 'string'));
      } catch {
        // A damaged file falls back to the configured categories; the next change rewrites it.
      }
    }
  }

  enabled(category: LogCategory): boolean {
    return this.state[category];
  }

  snapshot(): CategoryState {
    return { ...this.state };
  }

  /** Applies a partial change, persists it (atomically: write then rename) and tells the listeners. */
  set(changes: Partial<CategoryState>): CategoryState {
    this.state = { ...this.state, ...changes };
    if (this.file) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      const enabled = LOG_CATEGORIES.filter((c) => this.state[c]);
      fs.writeFileSync(tmp, `${JSON.stringify({ categories: enabled }, null, 2)}\n`);
      fs.renameSync(tmp, this.file);
    }
    for (const listener of this.listeners) listener(this.snapshot());
    return this.snapshot();
  }

  onChange(listener: (state: CategoryState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
