import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const examples = readdirSync(`${repo}/examples`, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe('the shipped manifests', () => {
  test.each(examples)('examples/%s validates silently', async (name) => {
    expect(await runCli(['validate'], { cwd: `${repo}/examples/${name}` })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('examples/generated/kiln.config.ts makes one image per services/ folder', async () => {
    const r = await runCli(['plan', '--offline', '--json'], { cwd: `${repo}/examples/generated` });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { file: string; images: { name: string; context: string }[] };
    const folders = readdirSync(`${repo}/examples/generated/services`).sort();
    expect(doc.file).toBe('kiln.config.ts');
    expect(doc.images.map((i) => [i.name, i.context])).toEqual(folders.map((f) => [f, `services/${f}`]));
  });

  test('the root images.yaml plans its five images in two waves', async () => {
    const r = await runCli(['plan', '--offline', '--json'], { cwd: repo, env: { GIT_SHA_SHORT: undefined } });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { order: string[][] };
    expect(doc.order).toEqual([['base', 'greeting'], ['api', 'worker', 'web']]);
  });
});
