// Text a user typed, made safe inside a LogQL double-quoted string. LogQL reads "..." as a Go string
// literal, so a backslash or a double quote would end or change it, and a raw newline is not allowed in
// it. A regex filter (|~, =~) reads the string's value as RE2, where `.`, `*`, `(` and the rest are
// operators: typed text must match itself, so those are escaped first, then the whole is escaped as a
// string. Every place that builds LogQL from user text goes through these two functions.
// No imports: messageLogql.ts uses this and the server's tests import that file under the server's settings.

const CONTROL: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The body of a LogQL "..." literal that stands for `text` exactly (for |=, != and label = matchers). */
export function logqlString(text: string): string {
  return text.replace(/[\\"\n\r\t]/g, (c) => CONTROL[c] ?? `\\${c}`);
}

/** RE2 that matches `text` literally (before string escaping). */
export function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The body of a LogQL "..." literal whose regex (for |~ and =~) matches `text` literally. */
export function logqlRegex(text: string): string {
  return logqlString(regexLiteral(text));
}
