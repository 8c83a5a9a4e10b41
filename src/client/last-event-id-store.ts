/**
 * Where the last event id is kept across a page reload: `sessionStorage` (this
 * tab) or `localStorage` (every tab of the origin), under a key of the URL or
 * of the caller's choosing. Storage can be missing (Node, a worker) or refuse
 * access (a sandboxed frame, blocked cookies): then nothing is kept, and
 * nothing throws.
 */
export type PersistOption = boolean | 'sessionStorage' | 'localStorage' | (string & {});

export interface LastEventIdStore {
  read(): string | null | undefined;
  write(id: string): void;
}

export function lastEventIdStore(persist: PersistOption | undefined, url: string): LastEventIdStore | undefined {
  if (!persist) return undefined;
  const named = persist === true || persist === 'sessionStorage' || persist === 'localStorage';
  const key = named ? `streamnest:last-event-id:${url}` : persist;
  const attempt = <T>(use: (storage: Storage) => T): T | undefined => {
    try {
      return use((globalThis as Record<string, any>)[persist === 'localStorage' ? 'localStorage' : 'sessionStorage']);
    } catch {
      return undefined;
    }
  };
  return {
    read: () => attempt((storage) => storage.getItem(key)),
    // An empty id (the server sent `id:` alone) means "no id": forget it.
    write: (id) => attempt((storage) => (id ? storage.setItem(key, id) : storage.removeItem(key))),
  };
}
