import { useState } from 'react';

/**
 * What people typed into forms, kept in this page's memory (never in storage, like the access
 * token): when a session ends mid-edit the app sends them to log in and back, without a
 * reload, and the form comes back filled. Logging out forgets every draft.
 */
const drafts = new Map<string, Record<string, string>>();

export function useDraft<F extends string>(
  key: string,
  fields: readonly F[],
): [Record<F, string>, (field: F, value: string) => void, () => void] {
  const initial = () =>
    Object.fromEntries(fields.map((f) => [f, drafts.get(key)?.[f] ?? ''])) as Record<F, string>;
  const [values, setValues] = useState(initial);
  const set = (field: F, value: string) =>
    setValues((previous) => {
      const next = { ...previous, [field]: value };
      drafts.set(key, next);
      return next;
    });
  const clear = () => {
    drafts.delete(key);
    setValues(Object.fromEntries(fields.map((f) => [f, ''])) as Record<F, string>);
  };
  return [values, set, clear];
}

export function forgetDrafts(): void {
  drafts.clear();
}
