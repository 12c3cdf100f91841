// The base subject of RFC 5256 section 2.1, what SORT SUBJECT and both THREAD algorithms compare: the
// subject with "Re:", "Fwd:", "[list]" blobs, "(fwd)" trailers and "[Fwd: ...]" wrappers taken off, and
// whether any reply or forward marker was among them (REFERENCES uses that when it gathers by subject).
import { decodeHeaderValue } from '../mime/decode.ts';

export interface BaseSubject {
  /** Compared with i;ascii-casemap: see casemap(). */
  text: string;
  replyOrForward: boolean;
}

/** How much of a subject takes part. */
export const MAX_SUBJECT_CHARS = 1000;

const TRAILER = /(?:\(fwd\)| )$/i;
const BLOB = '\\[[^\\[\\]]*\\] *';
const REFWD = `(?:re|fwd?) *(?:${BLOB})?:`;
const LEADER = new RegExp(`^(?:(?:${BLOB})*${REFWD}| )`, 'i');
const LEADING_BLOB = new RegExp(`^${BLOB}`, 'i');
const FWD_WRAPPER = /^\[fwd:(.*)\]$/i;

/** RFC 5256 2.1 on a raw (possibly RFC 2047 encoded) Subject: value. */
export function baseSubject(raw: string): BaseSubject {
  // (1) Decoded to UTF-8, every run of white space one space.
  // Only the start is compared: each step rescans what is left, so a subject of thousands of "[x]" blobs
  // (mail anyone can send) would cost quadratic time; no two real subjects differ only after this much.
  let s = decodeHeaderValue(raw.slice(0, MAX_SUBJECT_CHARS * 4))
    .replace(/[ \t\r\n]+/g, ' ')
    .slice(0, MAX_SUBJECT_CHARS);
  let replyOrForward = false;
  for (;;) {
    // (2) Trailers: "(fwd)" and white space, repeatedly.
    for (let m = TRAILER.exec(s); m; m = TRAILER.exec(s)) {
      if (m[0] !== ' ') replyOrForward = true;
      s = s.slice(0, s.length - m[0].length);
    }
    // (3) and (4), until neither changes anything.
    for (let changed = true; changed;) {
      changed = false;
      for (let m = LEADER.exec(s); m; m = LEADER.exec(s)) {
        if (m[0] !== ' ') replyOrForward = true;
        s = s.slice(m[0].length);
        changed = true;
      }
      const blob = LEADING_BLOB.exec(s);
      if (blob && blob[0].length < s.length) {
        s = s.slice(blob[0].length);
        changed = true;
      }
    }
    // (5) A "[Fwd: ...]" wrapper: unwrap and start again at (2).
    const wrapped = FWD_WRAPPER.exec(s);
    if (!wrapped) break;
    s = wrapped[1]!;
    replyOrForward = true;
  }
  return { text: s, replyOrForward };
}

/** i;ascii-casemap (RFC 4790): ASCII letters compare without case, everything else by code. */
export const casemap = (s: string): string => s.replace(/[a-z]+/g, (w) => w.toUpperCase());

export function compareCasemap(a: string, b: string): number {
  const x = casemap(a);
  const y = casemap(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
