import { once } from 'node:events';
import path from 'node:path';
import { watch } from 'chokidar';

/** A running file watcher. */
export interface FileWatcher {
  close(): Promise<void>;
}

/** What to watch: absolute paths (missing ones are picked up when created) and what to skip below them. */
export interface WatchTargets {
  paths: string[];
  skip(absolutePath: string): boolean;
}

/** Starts watching; resolves once the initial scan is done, so no later change is missed. */
export type WatchFiles = (targets: WatchTargets, onChange: (absolutePath: string) => void, onError: (error: unknown) => void) => Promise<FileWatcher>;

/** The chokidar watcher: recursive on contexts, pruning what .dockerignore drops. */
export const chokidarWatchFiles: WatchFiles = async (targets, onChange, onError) => {
  const watcher = watch(targets.paths, {
    ignoreInitial: true,
    // The save-to-build latency is the debounce plus this path: no awaitWriteFinish polling.
    awaitWriteFinish: false,
    ignored: (file: string) => targets.skip(path.resolve(file)),
  });
  watcher.on('all', (_event, file) => onChange(path.resolve(file)));
  watcher.on('error', onError);
  await once(watcher, 'ready');
  return { close: () => watcher.close() };
};
