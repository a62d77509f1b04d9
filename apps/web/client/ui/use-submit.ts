import { useState } from 'react';

/** A form's submit: its own checks first (nothing sent while any fails), the server's answer after. */
export function useSubmit() {
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const run = async (found: string[], send: () => Promise<void>) => {
    setError(undefined);
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      await send();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };
  return { problems, error, busy, run };
}
