import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { describeError, session } from './api/client';

export function useSession() {
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.user,
  );
}

export function useSessionReady() {
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.ready,
  );
}

export type Loadable<T> =
  | { state: 'loading'; data?: undefined; error?: undefined }
  | { state: 'error'; error: string; data?: undefined }
  | { state: 'ready'; data: T; error?: undefined };

/**
 * Loads data for a screen and gives it a loading, error or ready state. `reload()` fetches again; `setData` applies
 * a local change (live events, optimistic edits).
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    load().then(
      (data) => {
        if (generation.current === mine) setValue({ state: 'ready', data });
      },
      (error: unknown) => {
        if (generation.current === mine) setValue({ state: 'error', error: describeError(error) });
      },
    );
    // The caller's deps decide when to reload (as with useEffect); the loader itself is a new closure each render.
  }, deps);
  useEffect(() => {
    setValue({ state: 'loading' });
    run();
    return () => {
      generation.current++;
    };
  }, [run]);
  const setData = useCallback((update: (data: T) => T) => {
    setValue((current) => (current.state === 'ready' ? { state: 'ready', data: update(current.data) } : current));
  }, []);
  return { ...value, reload: run, setData } as Loadable<T> & { reload: () => void; setData: typeof setData };
}

/** "3 min ago" */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}
