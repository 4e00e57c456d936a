import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

/**
 * Sets a file's mtime back to exactly what `stat` gave (nanoseconds), as `touch -r` does:
 * fs.utimes takes seconds as a double, which cannot carry every nanosecond.
 */
export function restoreMtime(file: string, mtimeNs: bigint): void {
  const ns = String(mtimeNs % 1_000_000_000n).padStart(9, '0');
  execFileSync('touch', ['-m', '-d', `@${mtimeNs / 1_000_000_000n}.${ns}`, file]);
  if (statSync(file, { bigint: true }).mtimeNs !== mtimeNs) throw new Error(`touch did not restore the mtime of ${file}`);
}
