// Patch 7 (see smtp-server-patches.ts): a line must arrive whole within a time limit. smtp-server's idle
// timeout restarts on every byte, so a client that sends one byte every few seconds keeps a connection
// (and a slot under smtp.max_clients) for as long as it likes. This watches what reaches a connection's
// parser (the plaintext, also after STARTTLS) and reports a line, command or DATA, whose first byte came
// longer than the limit ago without its end. Checked as bytes arrive: a trickle is caught by its next byte,
// a silent client by the idle timeout.

const LF = 0x0a;

interface ParserStream {
  _write(chunk: Buffer, encoding: BufferEncoding, next: (err?: Error | null) => void): void;
}

/** Wraps one parser's _write; onTimeout is called once, with the connection still open. */
export function watchLines(parser: ParserStream, timeoutMs: number, onTimeout: () => void, now: () => number = Date.now): void {
  const write = parser._write;
  let partialSince: number | null = null;
  let timedOut = false;
  parser._write = function watchedWrite(this: ParserStream, chunk, encoding, next) {
    if (!timedOut && Buffer.isBuffer(chunk) && chunk.length > 0) {
      const t = now();
      if (partialSince !== null && t - partialSince > timeoutMs) {
        timedOut = true;
        onTimeout();
      }
      const lastLf = chunk.lastIndexOf(LF);
      if (lastLf < 0) partialSince ??= t;
      else partialSince = lastLf === chunk.length - 1 ? null : t;
    }
    return write.call(this, chunk, encoding, next);
  };
}
