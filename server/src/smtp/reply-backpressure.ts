// Patch 8 (see smtp-server-patches.ts): a client that pipelines commands and never reads must not make
// the server buffer replies without limit. An EHLO of 17 bytes is answered with about 200, so the buffered
// replies grow ten times faster than the client sends. The next command is taken only once the socket
// holds at most REPLY_BUFFER_MAX_BYTES of unsent replies; until then the parser does not finish its chunk,
// the socket's pipe into it backs up, and the socket stops reading (TCP then holds the client back).
//
// smtp-server 3.21 already waits for 'drain' after each command once the socket's high-water mark
// (16 KiB) is reached (SMTPConnection._whenWritable). This is the same rule stated here, with our cap, so
// it holds whatever a later version does there; while the library's wait works, this one never has to.

/** Unsent replies one SMTP connection may hold before it stops taking commands. */
export const REPLY_BUFFER_MAX_BYTES = 256 * 1024;

export interface ReplySocket {
  readonly writableLength: number;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Runs next at once, or once the socket drained (or closed) if more than maxBytes wait in it. */
export function whenRepliesFit(socket: ReplySocket | undefined, next: () => void, maxBytes = REPLY_BUFFER_MAX_BYTES): void {
  if (!socket || socket.destroyed || socket.writableLength <= maxBytes) return next();
  const go = () => {
    socket.removeListener('drain', go);
    socket.removeListener('close', go);
    next();
  };
  socket.once('drain', go);
  socket.once('close', go);
}
