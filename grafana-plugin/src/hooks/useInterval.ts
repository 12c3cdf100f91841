// Calls `fn` every `ms` milliseconds while ms > 0; the latest fn is used without restarting the timer.
import { useEffect, useRef, useState } from 'react';

export function useInterval(fn: () => void, ms: number): void {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (ms <= 0) return;
    const timer = setInterval(() => saved.current(), ms);
    return () => clearInterval(timer);
  }, [ms]);
}

/** The current time, updated every `ms` milliseconds (uptime counters). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), ms);
  return now;
}
