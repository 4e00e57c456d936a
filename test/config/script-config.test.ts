import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerfile, errorsOf, fixture, lines, project } from './fixture.js';

describe('kiln.config.{ts,mts,js,mjs}', () => {
  it('loads a plain config object', async () => {
    const dir = await fixture({
      'kiln.config.mjs': `export default { version: 1, registry: 'r.example', images: { api: { context: 'api', args: { N: 1 } } } };\n`,
      'api/Dockerfile': dockerfile,
    });
    const p = await project(dir, { file: 'kiln.config.mjs' });
    expect(p.file).toBe(path.join(dir, 'kiln.config.mjs'));
    expect(p.images.get('api')).toMatchObject({ repository: 'r.example/api', args: { N: '1' }, tags: ['latest'] });
  });

  it('calls an async function with env, git and root; TypeScript syntax included', async () => {
    const dir = await fixture({
      'kiln.config.ts': lines(
        'interface Ctx { env: Record<string, string | undefined>; git: { sha: string; branch: string }; root: string }',
        'export default async ({ env, git, root }: Ctx) => {',
        '  await new Promise((resolve) => setTimeout(resolve, 1));',
        '  return {',
        '    version: 1 as const,',
        '    images: { api: { context: "api", tags: [env.TAG ?? "none", git.sha || "nogit"], labels: { root } } },',
        '  };',
        '};',
        '',
      ),
      'api/Dockerfile': dockerfile,
    });
    const p = await project(dir, { file: 'kiln.config.ts', env: { TAG: 'v1' } });
    expect(p.images.get('api')).toMatchObject({ tags: ['v1', 'nogit'], labels: { root: dir } });
  });

  it("resolves `import { defineConfig } from 'kiln'` with no node_modules in the config's folder", async () => {
    const dir = await fixture({
      'kiln.config.ts': lines(
        "import { defineConfig } from 'kiln';",
        '',
        'export default defineConfig({',
        '  version: 1,',
        "  images: { api: { context: 'api', tags: ['${VERSION:-dev}'] } },",
        '});',
        '',
      ),
      'api/Dockerfile': dockerfile,
    });
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    const p = await project(dir, { file: 'kiln.config.ts' });
    expect(p.images.get('api')?.tags).toEqual(['dev']);
  });

  it('validates with the same schema, pointing at the key in the source when it can', async () => {
    const dir = await fixture({
      'kiln.config.ts': lines(
        'export default {',
        '  version: 1,',
        '  images: {',
        "    api: { contxt: 'api', builder: 'fast' },",
        '  },',
        '};',
        '',
      ),
    });
    expect(await errorsOf(dir, { file: 'kiln.config.ts' })).toBe(
      lines(
        'kiln.config.ts:4:5: error: image "api" is missing required key "context"',
        "  4 |     api: { contxt: 'api', builder: 'fast' },",
        '    |     ^~~',
        '',
        'kiln.config.ts:4:12: error: unknown key "contxt" in image "api"; did you mean "context"?',
        "  4 |     api: { contxt: 'api', builder: 'fast' },",
        '    |            ^~~~~~',
        '',
        'kiln.config.ts:4:27: error: "builder" in image "api" must be one of "buildkit", "classic"',
        "  4 |     api: { contxt: 'api', builder: 'fast' },",
        '    |                           ^~~~~~~',
        '',
        '3 errors',
      ),
    );
  });

  it('reports a config that throws, or exports nothing, at the config file', async () => {
    const dir = await fixture({
      'kiln.config.js': "export default () => { throw new Error('no registry configured'); };\n",
      'kiln.config.mjs': 'export const images = {};\n',
    });
    expect(await errorsOf(dir, { file: 'kiln.config.js' })).toBe(
      lines(
        'kiln.config.js:1:1: error: could not load kiln.config.js: no registry configured',
        "  1 | export default () => { throw new Error('no registry configured'); };",
        '    | ^',
        '  hint: fix the error in the config file; its default export must be a config object or a function returning one',
      ),
    );
    expect(await errorsOf(dir, { file: 'kiln.config.mjs' })).toBe(
      lines(
        'kiln.config.mjs:1:1: error: kiln.config.mjs has no default export',
        '  1 | export const images = {};',
        '    | ^',
        '  hint: add `export default defineConfig({ version: 1, images: { ... } })`',
      ),
    );
  });
});
