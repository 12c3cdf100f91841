// The log lines in the answer of Grafana's data source query API (/api/ds/query) for a Loki query: data
// frames whose fields include the line ("Line", or "line" in older Loki data sources) and its time.
export interface LokiLine {
  time: number;
  line: string;
}

interface Field {
  name: string;
  values?: unknown[];
}
interface Frame {
  schema?: { fields?: Field[] };
  data?: { values?: unknown[][] };
}

/** Oldest first; an answer without frames (no lines, an error) gives none. */
export function linesFromQueryResponse(response: unknown, refId = 'A'): LokiLine[] {
  const frames = ((response as { results?: Record<string, { frames?: Frame[] }> })?.results?.[refId]?.frames ?? []) as Frame[];
  const out: LokiLine[] = [];
  for (const frame of frames) {
    const fields = frame.schema?.fields ?? [];
    const values = frame.data?.values ?? [];
    const lineAt = fields.findIndex((f) => f.name === 'Line' || f.name === 'line');
    const timeAt = fields.findIndex((f) => f.name === 'Time' || f.name === 'time' || f.name === 'ts');
    if (lineAt < 0) continue;
    const lines = values[lineAt] ?? [];
    lines.forEach((line, i) => out.push({ time: Number((values[timeAt] ?? [])[i] ?? 0), line: String(line) }));
  }
  return out.sort((a, b) => a.time - b.time);
}
