import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFileReader } from '../../src/util/file-reader.js';

describe('sharedFileReader', () => {
  it('answers 20,000 requests for 200 files, with 8 reads at a time, one promise per file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kiln-reader-'));
    const files = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const file = path.join(dir, `f${i}`);
        await writeFile(file, `content ${i}`);
        return file;
      }),
    );
    const read = sharedFileReader(8);
    const texts = await Promise.all(Array.from({ length: 20_000 }, (_, i) => read(files[i % files.length] ?? '')));
    expect(texts[0]).toBe('content 0');
    expect(texts[19_999]).toBe('content 199');
    expect(read(files[5] ?? '')).toBe(read(files[5] ?? ''));
  });

  it('rejects a missing file, and goes on reading others', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kiln-reader-'));
    await writeFile(path.join(dir, 'ok'), 'ok');
    const read = sharedFileReader(1);
    await expect(read(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
    await expect(read(path.join(dir, 'ok'))).resolves.toBe('ok');
  });
});
