// Mail loop detection by counting Received header fields (RFC 5321 section 6.3, which asks for a limit of
// at least 100). An alias that forwards to a remote address that forwards back would otherwise circle
// until a queue somewhere fills up.

export const MAX_RECEIVED_HEADERS = 100;

/** Number of Received: fields in the header section of a raw message. */
export function countReceivedHeaders(message: Buffer): number {
  const end = headerEnd(message);
  const header = message.subarray(0, end).toString('latin1');
  return header.match(/^Received:/gim)?.length ?? 0;
}

/**
 * Where the header section ends: the first empty line, CRLF or bare LF, after a line that ends in
 * either (one message may mix them). The bare-LF search looks
 * only in front of the CRLF one: a CRLF message has no "\n\n" at all, and searching for it ran through
 * the whole body of every message (11 us per 100 KiB in profiles).
 */
export function headerEnd(message: Buffer): number {
  // A message that starts with an empty line has no header; the searches below only find an empty
  // line after another line.
  if (message[0] === 0x0a || (message[0] === 0x0d && message[1] === 0x0a)) return 0;
  const crlf = message.indexOf('\n\r\n');
  const lf = (crlf >= 0 ? message.subarray(0, crlf + 1) : message).indexOf('\n\n');
  if (lf >= 0) return lf;
  if (crlf < 0) return message.length;
  return message[crlf - 1] === 0x0d ? crlf - 1 : crlf;
}
