import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/ipc/contract';
import { api } from './api';

let cached: Promise<AppInfo> | null = null;

/** App facts never change while it runs: ask once. */
export function useAppInfo(): AppInfo | null {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    cached ??= api.invoke('app.getInfo', {});
    let live = true;
    void cached.then((value) => live && setInfo(value));
    return () => {
      live = false;
    };
  }, []);
  return info;
}
