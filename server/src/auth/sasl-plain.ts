// SASL PLAIN (RFC 4616) as IMAP AUTHENTICATE and POP3 AUTH carry it: base64 of
// authzid NUL authcid NUL password. Strict base64, since a lenient decoder would accept garbage.

export type PlainResult = { ok: true; user: string; password: string } | { ok: false; reason: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64Strict(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

export function decodePlain(response: string): PlainResult {
  const raw = decodeBase64Strict(response.trim());
  if (!raw) return { ok: false, reason: 'invalid base64' };
  const fields = raw.toString('utf8').split('\0');
  if (fields.length !== 3) return { ok: false, reason: 'malformed PLAIN response' };
  const [authzid, user, password] = fields as [string, string, string];
  if (user === '' || password === '') return { ok: false, reason: 'malformed PLAIN response' };
  // Acting for another user (a proxy login) is not offered: an authzid must name the same user.
  if (authzid !== '' && authzid.toLowerCase() !== user.toLowerCase()) return { ok: false, reason: 'authorization identity must be empty or the user' };
  return { ok: true, user, password };
}
