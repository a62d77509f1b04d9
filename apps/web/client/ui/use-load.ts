import { useCallback, useEffect, useState } from 'react';

export type Load<T> =
  { state: 'loading' } | { state: 'failed'; error: Error } | { state: 'done'; data: T };

/** Loads once per change of `key`; `reload()` loads again (after a purchase, a top-up…). */
export function useLoad<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): [Load<T>, () => void] {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setResult((previous) =>
      previous.state === 'done' && round > 0 ? previous : { state: 'loading' },
    );
    load(abort.signal).then(
      (data) => !abort.signal.aborted && setResult({ state: 'done', data }),
      (error: unknown) =>
        !abort.signal.aborted &&
        setResult({
          state: 'failed',
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
    return () => abort.abort();
    // `load` is a new closure each render; `key` says when what it loads changed.
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return [result, reload];
}
