// Loads something from the admin API and keeps it: data, the classified error, whether a load is under
// way, and reload(). A reload keeps the old data on screen (no flicker on auto-refresh); answers that
// arrive after a newer request started are ignored.
import { useCallback, useEffect, useRef, useState } from 'react';
import { MailroomError, toMailroomError } from '../api/errors';

export interface ApiState<T> {
  data: T | undefined;
  error: MailroomError | undefined;
  loading: boolean;
  /** The data was loaded for the current deps (not left over from before they changed). */
  fresh: boolean;
  reload: () => Promise<void>;
  setData: (data: T) => void;
}

export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[]): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<MailroomError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadedFor, setLoadedFor] = useState<readonly unknown[] | null>(null);
  const latest = useRef(0);
  const mounted = useRef(true);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);

  const currentDeps = useRef(deps);
  currentDeps.current = deps;

  const reload = useCallback(async () => {
    const id = ++latest.current;
    const forDeps = currentDeps.current;
    setLoading(true);
    try {
      const value = await run();
      if (mounted.current && id === latest.current) {
        setData(value);
        setError(undefined);
        setLoadedFor(forDeps);
      }
    } catch (err) {
      if (mounted.current && id === latest.current) setError(toMailroomError(err));
    } finally {
      if (mounted.current && id === latest.current) setLoading(false);
    }
  }, [run]);

  useEffect(() => {
    mounted.current = true;
    void reload();
    return () => {
      mounted.current = false;
    };
  }, [reload]);

  const fresh = loadedFor !== null && loadedFor.length === deps.length && loadedFor.every((d, i) => Object.is(d, deps[i]));
  return { data, error, loading, fresh, reload, setData };
}
