// What the runner needs from each server under test.

export interface RunningServer {
  port: number;
  /** Process whose CPU time is reported; undefined when the server is many processes (Postfix). */
  pid?: number | undefined;
  /**
   * Messages delivered into the mailbox so far, and messages still in the queue; null for a server that
   * discards (there is no delivery to wait for).
   */
  progress(): { delivered: number; queued: number } | null;
  /** Stops the server and releases everything; resolves with the count it accepted when it keeps one. */
  stop(): Promise<{ accepted?: number }>;
}

export interface Target {
  /** Short name used by --targets. */
  id: string;
  /** Row label in the report. */
  label: string;
  /** What this configuration does with a message before and after the 250, for the report's notes. */
  notes: string;
  start(): Promise<RunningServer>;
}
