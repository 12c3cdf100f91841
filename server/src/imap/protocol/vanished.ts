// QRESYNC's VANISHED response (RFC 7162 3.2.10): UIDs as a compact set, "VANISHED 3:5,9" for expunges
// as they happen and "VANISHED (EARLIER) ..." for what a resynchronising client missed.

/** Ascending numbers as a compact sequence set: 1:3,5. */
export function compactSet(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    parts.push(j > i ? `${numbers[i]}:${numbers[j]}` : String(numbers[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** The untagged line (without "* "), or null when there is nothing to report. */
export function vanished(uids: readonly number[], earlier: boolean): string | null {
  if (uids.length === 0) return null;
  return `VANISHED ${earlier ? '(EARLIER) ' : ''}${compactSet([...uids].sort((a, b) => a - b))}`;
}
