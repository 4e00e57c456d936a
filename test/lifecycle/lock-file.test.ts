import { describe, expect, it } from 'vitest';
import { KilnError } from '../../src/diagnostics/diagnostic.js';
import { formatLock, parseLock } from '../../src/lock/index.js';

const D = `sha256:${'a'.repeat(64)}`;
const I = `sha256:${'b'.repeat(64)}`;

describe('kiln.lock', () => {
  it('round-trips digests and local image IDs, sorted by reference', () => {
    const lock = { version: 1 as const, bases: new Map([['zz/b:1', { kind: 'digest' as const, digest: D }], ['busybox:latest', { kind: 'local' as const, id: I }]]) };
    const text = formatLock(lock);
    expect(text).toBe(
      `# kiln.lock: external base images pinned by \`kiln lock\`; refresh with \`kiln lock --update\`.\nversion: 1\nbases:\n  busybox:latest:\n    id: ${I}\n    local: true\n  zz/b:1: ${D}\n`,
    );
    expect(parseLock(text, 'kiln.lock')).toEqual(lock);
  });

  it('reports a malformed lock as a usage error naming the file, with a hint', () => {
    for (const text of ['version: 2\n', 'version: 1\nbases:\n  a: nope\n', 'version: 1\nbases: [1]\n', ': : :\n  -']) {
      try {
        parseLock(text, '/p/kiln.lock');
        throw new Error(`accepted ${text}`);
      } catch (error) {
        expect(error).toBeInstanceOf(KilnError);
        const d = (error as KilnError).diagnostics[0]!;
        expect(d.kind).toBe('usage');
        expect(d.message).toMatch(/^\/p\/kiln\.lock: /);
        expect(d.hint).toContain('kiln lock --update');
      }
    }
  });
});
