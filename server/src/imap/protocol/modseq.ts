// Mod-sequences on the wire (CONDSTORE, RFC 7162). The store counts from 0 (a mailbox nothing has
// happened to yet); RFC 7162 values are positive. So the wire value is the stored one plus one, both
// ways, and every comparison keeps its meaning: HIGHESTMODSEQ is never 0, and CHANGEDSINCE of a
// HIGHESTMODSEQ a client saw still finds every later change.
import { bad } from '../errors.ts';

export const wireModseq = (stored: number): number => stored + 1;
export const storedModseq = (wire: number): number => wire - 1;

/**
 * A mod-sequence as a client writes it (RFC 7162: up to 63 bits, 0 allowed where the grammar says valzer).
 * Values beyond what a double holds exactly are far above any modseq the store hands out, so they are
 * clamped: every comparison comes out the same.
 */
export function parseModseq(text: string): number {
  if (!/^[0-9]{1,19}$/.test(text)) throw bad(`Invalid mod-sequence "${text.slice(0, 25)}"`);
  return Math.min(Number(text), Number.MAX_SAFE_INTEGER);
}
