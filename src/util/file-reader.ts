import { readFile } from 'node:fs/promises';

/**
 * A text file reader that reads each path once (images often share a Dockerfile) and keeps at
 * most `concurrency` files open: reading every Dockerfile of a 20,000-image manifest at once
 * fails with EMFILE.
 */
export function sharedFileReader(concurrency = 64): (file: string) => Promise<string> {
  const reads = new Map<string, Promise<string>>();
  const waiting: (() => void)[] = [];
  let open = 0;
  const slot = async (): Promise<void> => {
    if (open < concurrency) {
      open++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else open--;
  };
  return (file) => {
    let read = reads.get(file);
    if (read === undefined) {
      read = slot().then(() => readFile(file, 'utf8').finally(release));
      reads.set(file, read);
    }
    return read;
  };
}
