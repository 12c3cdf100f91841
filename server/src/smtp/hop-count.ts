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

function headerEnd(message: Buffer): number {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length > 0 ? Math.min(...ends) : message.length;
}
