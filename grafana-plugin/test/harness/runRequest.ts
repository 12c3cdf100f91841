// The harness's stand-in for Grafana's runRequest (public/app/features/query/state/runRequest.ts), which
// Grafana hands to @grafana/runtime's setRunRequest at start-up and Scenes' SceneQueryRunner calls: run
// the data source's query, fold each answer packet (by key) into one PanelData with the request and its
// time range, Loading after 200 ms without an answer, Error (with the error) when the query fails.
import { LoadingState, type DataFrame, type DataQueryError, type DataQueryRequest, type DataQueryResponse, type DataSourceApi, type PanelData } from '@grafana/data';
import { toDataQueryError } from '@grafana/runtime';
import { from, merge, of, timer, type Observable } from 'rxjs';
import { catchError, map, share, takeUntil } from 'rxjs/operators';

export function runRequest(datasource: DataSourceApi, request: DataQueryRequest, queryFunction?: DataSourceApi['query']): Observable<PanelData> {
  const loading: PanelData = { state: LoadingState.Loading, series: [], request, timeRange: request.range };
  if (request.targets.length === 0) return of({ ...loading, state: LoadingState.Done });
  const packets = new Map<string, DataQueryResponse>();
  const answers = from((queryFunction ?? datasource.query).call(datasource, request) as Observable<DataQueryResponse> | Promise<DataQueryResponse>).pipe(
    map((packet): PanelData => {
      packets.set(packet.key ?? 'A', packet);
      const all = Array.from(packets.values());
      const series = all.flatMap((p) => (p.data ?? []) as DataFrame[]);
      const errors = all.flatMap((p): DataQueryError[] => p.errors ?? (p.error ? [p.error] : []));
      request.endTime = Date.now();
      return {
        state: packet.state ?? (errors.length > 0 ? LoadingState.Error : LoadingState.Done),
        series,
        errors: errors.length > 0 ? errors : undefined,
        error: errors[0],
        request,
        timeRange: request.range,
      };
    }),
    catchError((err: unknown) => {
      const error = toDataQueryError(err as Error);
      return of<PanelData>({ ...loading, state: LoadingState.Error, error, errors: [error] });
    }),
    share(),
  );
  return merge(
    timer(200).pipe(
      map(() => loading),
      takeUntil(answers),
    ),
    answers,
  );
}
