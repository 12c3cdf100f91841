// Header fields of a message or MIME part, read from the raw bytes. Values are "binary" strings (one
// char per byte) so they can go back on the wire exactly as sent: encoded-words and 8-bit text
// included. Decoding for humans (search) is in decode.ts.

export interface HeaderField {
  /** Lower-case field name. */
  name: string;
  /** The field as it appears in the message, folded lines and line ending included. */
  raw: string;
  /** Unfolded value after the colon, surrounding white space removed. */
  value: string;
}

export function parseHeader(buf: Buffer, start: number, end: number): HeaderField[] {
  const text = buf.toString('latin1', start, end);
  const fields: HeaderField[] = [];
  let current: { name: string; raw: string } | null = null;
  const flush = () => {
    if (!current) return;
    const colon = current.raw.indexOf(':');
    const value = current.raw
      .slice(colon + 1)
      .replace(/\r?\n(?=[ \t])/g, '')
      .replace(/^[ \t]+|[ \t\r\n]+$/g, '');
    fields.push({ name: current.name, raw: current.raw, value });
    current = null;
  };
  let pos = 0;
  while (pos < text.length) {
    let lf = text.indexOf('\n', pos);
    if (lf < 0) lf = text.length - 1;
    const line = text.slice(pos, lf + 1);
    pos = lf + 1;
    if (line === '\r\n' || line === '\n') break;
    if ((line[0] === ' ' || line[0] === '\t') && current) {
      current.raw += line;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    // A line with no colon is not a field; it is skipped rather than guessed at.
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === '' || /[\s]/.test(name)) continue;
    current = { name, raw: line };
  }
  flush();
  return fields;
}

export function fieldValue(fields: readonly HeaderField[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.value;
}

/** Removes RFC 5322 comments "(...)" outside quoted strings. */
function stripComments(s: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (s[i + 1] ?? '');
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '"' && depth === 0) {
      quoted = true;
      out += c;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** Splits on ";" outside quoted strings. */
function splitParams(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted && c === '\\') {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

export interface Parameterised {
  value: string;
  /** Names lower-cased, values as sent (RFC 2231 continuations are passed through untouched). */
  params: Array<[string, string]>;
}

/** "text/plain; charset=\"utf-8\"" and Content-Disposition alike. */
export function parseParameterised(raw: string): Parameterised {
  const [head = '', ...rest] = splitParams(stripComments(raw));
  const params: Array<[string, string]> = [];
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"')) value = value.slice(1, value.endsWith('"') && value.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1');
    if (name !== '' && !params.some(([n]) => n === name)) params.push([name, value]);
  }
  return { value: head.trim(), params };
}
