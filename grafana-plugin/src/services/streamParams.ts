// Query parameters of the live log stream: `session` when the view is narrowed to one session, so Mailroom
// sends only that session's lines. The server's logging switches decide which categories exist at all;
// the level and text of the view filter are applied in the browser (logFilter.ts), which also checks the
// session, so a server that ignores the parameter still shows the right lines.

export function streamParams(session: string): { session?: string } {
  const s = session.trim();
  return s ? { session: s } : {};
}
