// Watches a manifest file or directory and reloads it, coalescing bursts of file events (editors
// write, rename and chmod in quick succession). Level-triggered: every reload reads everything.
import { type FSWatcher, watch } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { type LoadResult, loadManifests } from "./manifests.ts";

export interface ManifestWatcher {
  close(): void;
}

export async function watchManifests(
  path: string,
  onLoad: (result: LoadResult) => void,
  opts: { debounceMs?: number } = {},
): Promise<ManifestWatcher> {
  const debounceMs = opts.debounceMs ?? 100;
  const isDir = (await stat(path)).isDirectory();
  // Watching the parent of a single file survives editors that replace the file.
  const target = isDir ? path : dirname(path);
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const reload = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      onLoad(await loadManifests(path));
    } catch (err) {
      onLoad({
        objects: [],
        files: [],
        problems: [{ file: path, line: 0, message: (err as Error).message }],
      });
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  };
  const watcher: FSWatcher = watch(target, { recursive: isDir }, schedule);
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
