// BODY and BODYSTRUCTURE (RFC 3501 section 7.4.2) of a parsed message. BODYSTRUCTURE adds the extension
// data (MD5, disposition, language, location); BODY is the same without it.
import { NIL, join, list, nlist, nstring, string, text, type Wire } from '../protocol/response.ts';
import { envelope } from './envelope.ts';
import { fieldValue, parseParameterised } from './header.ts';
import { isMultipart, mediaType, type MimePart } from './part.ts';

function params(pairs: ReadonlyArray<[string, string]>): Wire {
  return nlist(pairs.flatMap(([n, v]) => [string(n), string(v)]));
}

function lines(buf: Buffer, p: MimePart): number {
  let n = 0;
  for (let i = p.bodyStart; i < p.end; i++) if (buf[i] === 0x0a) n++;
  if (p.end > p.bodyStart && buf[p.end - 1] !== 0x0a) n++;
  return n;
}

function disposition(p: MimePart): Wire {
  const raw = fieldValue(p.fields, 'content-disposition');
  if (raw === undefined) return NIL;
  const d = parseParameterised(raw);
  return d.value === '' ? NIL : list([string(d.value), params(d.params)]);
}

function language(p: MimePart): Wire {
  const raw = fieldValue(p.fields, 'content-language');
  const tags = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (tags.length === 0) return NIL;
  return tags.length === 1 ? string(tags[0]!) : list(tags.map((t) => string(t)));
}

function extension(p: MimePart): Wire[] {
  return [disposition(p), language(p), nstring(fieldValue(p.fields, 'content-location'))];
}

export function bodyStructure(buf: Buffer, p: MimePart, extended: boolean): Wire {
  if (isMultipart(p)) {
    const children = Buffer.concat(p.children.map((c) => bodyStructure(buf, c, extended)));
    const rest = [string(p.subtype)];
    if (extended) rest.push(params(p.params), ...extension(p));
    return Buffer.concat([text('('), children, text(' '), join(rest), text(')')]);
  }
  const kind = mediaType(p);
  // A part without Content-Type is text/plain; charset=us-ascii (RFC 2045 section 5.2).
  const partParams = !p.typed && kind === 'text/plain' ? [['charset', 'us-ascii'] as [string, string]] : p.params;
  const fields: Wire[] = [
    string(p.type),
    string(p.subtype),
    params(partParams),
    nstring(fieldValue(p.fields, 'content-id')),
    nstring(fieldValue(p.fields, 'content-description')),
    string(fieldValue(p.fields, 'content-transfer-encoding')?.trim() || '7BIT'),
    text(String(p.end - p.bodyStart)),
  ];
  if (p.message) {
    fields.push(envelope(p.message.fields), bodyStructure(buf, p.message, extended), text(String(lines(buf, p))));
  } else if (p.type.toLowerCase() === 'text') {
    fields.push(text(String(lines(buf, p))));
  }
  if (extended) fields.push(nstring(fieldValue(p.fields, 'content-md5')), ...extension(p));
  return list(fields);
}
