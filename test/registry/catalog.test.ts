import { afterAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../src/registry/index.js';
import { pushTestImage, testRegistries, uniqueRepo } from './helpers.js';

const env = testRegistries();

describe('catalog against the real registry', () => {
  const client = createRegistryClient({ host: env?.plain ?? '' });
  afterAll(() => client.close());

  it('follows the relative Link header past the 100-repository default page', async () => {
    const source = uniqueRepo('catalog-src');
    await pushTestImage(client, { repo: source, tag: 'v1' });
    const prefix = `${uniqueRepo('catalog')}/r`;
    const names = Array.from({ length: 105 }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 15) {
      await Promise.all(names.slice(i, i + 15).map((name) => client.copyManifest(source, 'v1', name, 'v1')));
    }
    const before = client.stats.requests;
    const all: string[] = [];
    for await (const name of client.catalog()) all.push(name);
    const pages = client.stats.requests - before;
    expect(all.filter((n) => n.startsWith(prefix))).toEqual(names);
    expect(new Set(all).size).toBe(all.length);
    expect(pages).toBeGreaterThanOrEqual(2);

    const small: string[] = [];
    for await (const name of client.catalog({ pageSize: 40 })) small.push(name);
    // Other test files add repositories concurrently, so compare only ours.
    expect(small.filter((n) => n.startsWith(prefix))).toEqual(names);
  });
});
