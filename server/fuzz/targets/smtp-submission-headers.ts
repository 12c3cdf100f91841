// The submission header reader (smtp/submission-hygiene.ts) reads what an authenticated client sends: any
// bytes, split anywhere, give facts and never a throw; a From header written in the header block is found
// whatever the chunking and folding; a From line after the blank line (the body) never counts.
import fc from 'fast-check';
import { missingHeaderLines, readHeaderFacts } from '../../src/smtp/submission-hygiene.ts';
import type { FuzzTarget } from '../harness.ts';

const junk = fc.string({ unit: fc.oneof(fc.constantFrom('\r', '\n', ':', ' ', '\t', '<', '>', '@', ',', ';', '"', '('), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 200 });
const local = fc.stringMatching(/^[a-z0-9]{1,10}$/);

function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

export const submissionHeadersTarget: FuzzTarget = {
  name: 'smtp/submission-headers',
  checks: 'any bytes in any chunks give header facts, never a throw; a From in the header block is found (folded or not), one in the body never; added lines are CRLF header lines',
  property: fc.property(junk, local, fc.boolean(), junk, fc.array(fc.nat(), { maxLength: 6 }), (before, user, folded, body, cuts) => {
    const anyFacts = readHeaderFacts(chunked(Buffer.from(before + body, 'utf8'), cuts));
    if (!Array.isArray(anyFacts.from) || anyFacts.from.some((a) => typeof a !== 'string')) throw new Error('from is not a list of strings');
    const address = `${user}@example.test`;
    const head = `Subject: x\r\nFrom:${folded ? '\r\n\t' : ' '}"Name" <${address}>\r\n`;
    const message = Buffer.from(`${head}\r\nFrom: mallory@evil.test\r\n${body}`, 'utf8');
    const facts = readHeaderFacts(chunked(message, cuts));
    if (!facts.from.includes(address) || facts.from.includes('mallory@evil.test')) throw new Error(`read ${JSON.stringify(facts.from)} from ${JSON.stringify(head)}`);
    const added = missingHeaderLines(anyFacts, { queueId: 'Q', hostname: 'mx.test', sender: address, now: new Date(0) });
    return added === '' || /^([A-Za-z-]+: [^\r\n]*\r\n)+$/.test(added);
  }),
};
