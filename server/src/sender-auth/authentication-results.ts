// Authentication-Results header fields (RFC 8601) that claim to come from us. A message arriving from
// outside may carry one with our authserv-id, forged to make a client trust it; section 5 says to remove
// such fields before adding our own. Fields of other authserv-ids are left alone.

/** Where the header section ends (the index after its blank line), or the whole length when there is no body. */
function headerEnd(message: Buffer): number {
  const i = message.indexOf('\r\n\r\n');
  if (i >= 0) return i + 4;
  const lf = message.indexOf('\n\n');
  return lf >= 0 ? lf + 2 : message.length;
}

/** The authserv-id an Authentication-Results value starts with (comments and folding removed), lower case. */
export function authservId(value: string): string {
  const unfolded = value.replace(/\r?\n[ \t]/g, ' ');
  let out = '';
  let depth = 0;
  for (const ch of unfolded) {
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return (out.split(';', 1)[0] ?? '').trim().split(/\s+/, 1)[0]!.toLowerCase();
}

/** The message without the Authentication-Results fields whose authserv-id is `hostname`, and how many were removed. */
export function removeForgedResults(message: Buffer, hostname: string): { content: Buffer; removed: number } {
  const end = headerEnd(message);
  const header = message.subarray(0, end).toString('latin1');
  // Fields: a line that does not start with white space, and the continuation lines after it. Anything
  // else (the blank line, a stray continuation at the top) is kept as its own piece.
  const fields: string[] = [];
  for (const line of header.split(/(?<=\n)/)) {
    if (/^[ \t]/.test(line) && fields.length > 0 && !/^\r?\n$/.test(fields[fields.length - 1]!)) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  const ours = hostname.toLowerCase();
  let removed = 0;
  const kept = fields.filter((field) => {
    const colon = field.indexOf(':');
    if (colon < 0 || field.slice(0, colon).trim().toLowerCase() !== 'authentication-results') return true;
    if (authservId(field.slice(colon + 1)) !== ours) return true;
    removed++;
    return false;
  });
  if (removed === 0) return { content: message, removed };
  return { content: Buffer.concat([Buffer.from(kept.join(''), 'latin1'), message.subarray(end)]), removed };
}
