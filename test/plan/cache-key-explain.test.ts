import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeKey, type KeyInputs } from '../../src/plan/cache-key.js';
import { explainRebuild } from '../../src/plan/explain.js';
import {
  createKeyRecord, keyRecordPath, loadKeyRecord, loadLatestKeyRecord, saveKeyRecord, saveLatestKey, type KeyRecord,
} from '../../src/plan/key-record.js';

const inputs: KeyInputs = {
  dockerfile: 'FROM busybox\n',
  contextDigest: 'sha256:1',
  args: { APP: 'a', KEEP: 'k' },
  target: 'runtime',
  builder: 'buildkit',
  dependencies: { base: '1'.repeat(64) },
  baseImages: { 'busybox:latest': 'sha256:1' },
};

function record(over: Partial<KeyInputs> = {}, files: Record<string, string> = { 'src/a.js': 'file:644:1' }): KeyRecord {
  const merged = { ...inputs, ...over };
  return createKeyRecord({
    key: computeKey({ ...merged, contextDigest: JSON.stringify(files) }),
    inputs: merged,
    files: new Map(Object.entries(files)),
    now: () => new Date('2025-01-02T03:04:05Z'),
  });
}

const details = (previous: KeyRecord | undefined, current: KeyRecord): string[] =>
  explainRebuild(previous, current).map((r) => `${r.kind}: ${r.detail}`);

describe('explainRebuild', () => {
  it('says new without a previous record, and nothing when the key is the same', () => {
    expect(details(undefined, record())).toEqual(['new: new']);
    expect(details(record(), record())).toEqual([]);
  });

  it('names each kind of change, in a fixed order', () => {
    const previous = record({}, { 'src/a.js': 'file:644:1', 'src/b.js': 'file:644:2', 'old.txt': 'file:644:3' });
    const current = record(
      {
        dockerfile: 'FROM busybox\nRUN true\n',
        args: { APP: 'b', NEW: 'n', KEEP: 'k' },
        target: 'build',
        platform: 'linux/arm64',
        builder: 'classic',
        dependencies: { base: '2'.repeat(64) },
        baseImages: { 'busybox:latest': 'sha256:2' },
      },
      { 'src/a.js': 'file:755:1', 'src/b.js': 'file:644:2', 'src/c.js': 'file:644:4' },
    );
    expect(details(previous, current)).toEqual([
      'dockerfile: dockerfile changed',
      'file: file old.txt removed',
      'file: file src/a.js mode changed 644 → 755',
      'file: file src/c.js added',
      'arg: arg APP: "a" → "b"',
      'arg: arg NEW: (unset) → "n"',
      'option: target changed: "runtime" → "build"',
      'option: platform changed: (unset) → "linux/arm64"',
      'option: builder changed: "buildkit" → "classic"',
      'dependency: dependency base changed',
      'base: base image busybox:latest changed',
    ]);
  });

  it('lists five files, then counts the rest', () => {
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}.txt`, `file:644:${i}`]));
    expect(details(record({}, {}), record({}, many))).toEqual([
      'file: file f0.txt added',
      'file: file f1.txt added',
      'file: file f2.txt added',
      'file: file f3.txt added',
      'file: file f4.txt added',
      'file: and 3 more files',
    ]);
    const six = Object.fromEntries(Object.entries(many).slice(0, 6));
    expect(details(record({}, {}), record({}, six)).at(-1)).toBe('file: and 1 more file');
  });

  it('says what changed of an entry: its mode, its type, its content, or both', () => {
    const previous = record({}, { 'a.sh': 'file:644:1', 'b.sh': 'file:644:1', 'link': 'symlink:777:2', 'c.sh': 'file:644:1' });
    const current = record({}, { 'a.sh': 'file:755:1', 'b.sh': 'file:755:9', 'link': 'file:644:2', 'c.sh': 'file:644:9' });
    expect(details(previous, current)).toEqual([
      'file: file a.sh mode changed 644 → 755',
      'file: file b.sh changed (mode 644 → 755)',
      'file: file c.sh changed',
      'file: file link changed from symlink to file',
    ]);
  });

  it('names a folder added or removed by its files, an empty one by itself', () => {
    const previous = record({}, { 'a.txt': 'file:644:1', old: 'directory:755:', 'old/x': 'file:644:2' });
    const current = record({}, { 'a.txt': 'file:644:1', data: 'directory:755:', 'data/d0': 'directory:755:', 'data/d0/f0.bin': 'file:644:3', empty: 'directory:755:' });
    expect(details(previous, current)).toEqual(['file: file data/d0/f0.bin added', 'file: folder empty added', 'file: file old/x removed']);
  });

  it('compares a record written before fingerprints by content alone', () => {
    const previous = record({}, { 'a.js': '1', 'b.js': '2' });
    const current = record({}, { 'a.js': 'file:644:1', 'b.js': 'file:644:3' });
    expect(details(previous, current)).toEqual(['file: file b.js changed']);
  });

  it('handles file names that are also Object.prototype keys', () => {
    expect(details(record({}, {}), record({}, { constructor: 'file:644:1' }))).toEqual(['file: file constructor added']);
  });

  it('blames the key format when nothing else differs', () => {
    const previous = { ...record(), key: 'f'.repeat(64) } as KeyRecord;
    expect(details(previous, record())).toEqual(['option: cache key format changed (kiln upgrade)']);
  });
});

describe('key records', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('are saved under .kiln/keys/<key>.json and loaded back', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'kiln-keys-'));
    const saved = record();
    await saveKeyRecord(root, saved);
    expect(keyRecordPath(root, saved.key)).toBe(path.join(root, '.kiln', 'keys', `${saved.key}.json`));
    expect(await loadKeyRecord(root, saved.key)).toEqual(saved);
    expect(saved).toMatchObject({ createdAt: '2025-01-02T03:04:05.000Z', dockerfileHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await loadKeyRecord(root, 'e'.repeat(64))).toBeUndefined();
    expect(await loadKeyRecord(root, '../../etc/passwd')).toBeUndefined();

    expect(await loadLatestKeyRecord(root, 'api')).toBeUndefined();
    await saveLatestKey(root, 'api', saved.key);
    expect(await loadLatestKeyRecord(root, 'api')).toEqual(saved);
  });
});
