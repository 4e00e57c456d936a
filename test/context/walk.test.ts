import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { walkContext } from '../../src/context/walk.js';
import { parseDockerignore } from '../../src/context/dockerignore.js';
import { makeTree, type Tree } from './fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function sent(tree: Tree, options: { dockerfile?: string; extraIgnore?: string[] } = {}): Promise<string[]> {
  const { root, cleanup } = await makeTree(tree);
  cleanups.push(cleanup);
  const entries = await walkContext({ context: root, dockerfile: options.dockerfile ?? 'Dockerfile', ...options });
  return entries.map((e) => (e.type === 'directory' ? `${e.path}/` : e.path));
}

describe('parseDockerignore', () => {
  it('drops comments, blanks and a BOM, trims, cleans, and makes paths relative', () => {
    expect(parseDockerignore('\uFEFF# c\n\n  /a/b/  \n!/c/./d\n ! e \nf/../g\n#x\n **/h')).toEqual([
      'a/b', '!c/d', '!e', 'g', '**/h',
    ]);
  });
});

describe('walkContext', () => {
  it('lists files, folders and symlinks sorted by path bytes, never following links', async () => {
    const { root, cleanup } = await makeTree({
      Dockerfile: 'FROM x',
      'b.txt': 'b',
      'a/z.txt': 'z',
      'a.txt': 'a',
      'real/inner.txt': 'i',
      'link-dir': { link: 'real' },
      'link-file': { link: '../outside' },
      'é.txt': 'e',
      '\u{1F600}.txt': 'smile',
      '\uFF21.txt': 'fullwidth A',
      'empty/': '',
    });
    cleanups.push(cleanup);
    const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
    expect(entries.map((e) => e.path)).toEqual([
      'Dockerfile', 'a', 'a.txt', 'a/z.txt', 'b.txt', 'empty', 'link-dir', 'link-file', 'real', 'real/inner.txt',
      'é.txt', '\uFF21.txt', '\u{1F600}.txt',
    ]);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('link-dir')).toMatchObject({ type: 'symlink', linkTarget: 'real', size: 0 });
    expect(byPath.get('link-file')).toMatchObject({ type: 'symlink', linkTarget: '../outside' });
    expect(byPath.get('a')).toMatchObject({ type: 'directory', absolutePath: path.join(root, 'a') });
    expect(byPath.get('b.txt')).toMatchObject({ type: 'file', size: 1 });
    expect(byPath.get('b.txt')!.ino).toBeGreaterThan(0);
  });

  it('applies patterns, ** and ! re-includes the way docker does', async () => {
    const files = await sent({
      Dockerfile: 'FROM x',
      '.dockerignore': '*.log\n!keep.log\n**/*.tmp\nnode_modules\ndocs/*\n!docs/README.md\n',
      'a.log': '', 'keep.log': '', 'src/deep/x.tmp': '', 'src/app.js': '', 'x.tmp': '',
      'node_modules/pkg/index.js': '', 'docs/README.md': '', 'docs/other.md': '', 'sub/a.log': '',
    });
    expect(files).toEqual([
      '.dockerignore', 'Dockerfile', 'docs/', 'docs/README.md', 'keep.log', 'src/', 'src/app.js', 'src/deep/', 'sub/', 'sub/a.log',
    ]);
  });

  it('matches case-sensitively, as docker on Linux does', async () => {
    expect(await sent({ Dockerfile: '', '.dockerignore': 'secret', Secret: '', secret: '' })).toEqual([
      '.dockerignore', 'Dockerfile', 'Secret',
    ]);
  });

  it('prunes an ignored folder unless an exception starts inside it (moby archive rule)', async () => {
    // `!**/keep.txt` does not begin with `build/`, so docker never looks into build/.
    expect(await sent({ Dockerfile: '', '.dockerignore': 'build\n!**/keep.txt', 'build/keep.txt': '', 'keep.txt': '' })).toEqual([
      '.dockerignore', 'Dockerfile', 'keep.txt',
    ]);
    // An exception inside the folder re-includes the file, without sending the folder entry itself.
    expect(await sent({ Dockerfile: '', '.dockerignore': 'build\n!build/keep.txt', 'build/keep.txt': '', 'build/drop.txt': '' })).toEqual([
      '.dockerignore', 'Dockerfile', 'build/keep.txt',
    ]);
  });

  it('still sends the Dockerfile and .dockerignore when they are ignored', async () => {
    expect(await sent({ Dockerfile: '', '.dockerignore': '*', 'app.js': '' })).toEqual(['.dockerignore', 'Dockerfile']);
    expect(
      await sent({ 'docker/api.Dockerfile': '', '.dockerignore': 'docker\n.dockerignore', 'docker/other': '' }, { dockerfile: 'docker/api.Dockerfile' }),
    ).toEqual(['.dockerignore', 'docker/api.Dockerfile']);
  });

  it('prefers <Dockerfile>.dockerignore beside the Dockerfile over .dockerignore', async () => {
    const tree = {
      'docker/api.Dockerfile': '',
      'docker/api.Dockerfile.dockerignore': 'b.txt\ndocker',
      '.dockerignore': 'a.txt',
      'a.txt': '',
      'b.txt': '',
    };
    expect(await sent(tree, { dockerfile: 'docker/api.Dockerfile' })).toEqual(['.dockerignore', 'a.txt', 'docker/api.Dockerfile']);
    expect(await sent(tree, { dockerfile: 'Dockerfile' })).toEqual(['.dockerignore', 'b.txt', 'docker/', 'docker/api.Dockerfile', 'docker/api.Dockerfile.dockerignore']);
  });

  it('reads <Dockerfile>.dockerignore beside a Dockerfile outside the context', async () => {
    const { root, cleanup } = await makeTree({ 'df/Dockerfile': '', 'df/Dockerfile.dockerignore': 'x', 'ctx/x': '', 'ctx/y': '' });
    cleanups.push(cleanup);
    const entries = await walkContext({ context: path.join(root, 'ctx'), dockerfile: path.join(root, 'df/Dockerfile') });
    expect(entries.map((e) => e.path)).toEqual(['y']);
  });

  it('adds extra patterns after the file, and never sends kiln\'s .kiln folder', async () => {
    expect(
      await sent({ Dockerfile: '', '.dockerignore': 'a', a: '', b: '', c: '', '.kiln/cache/hashes.json': '{}' }, { extraIgnore: ['b'] }),
    ).toEqual(['.dockerignore', 'Dockerfile', 'c']);
  });

  it('reports a missing context as a diagnostic', async () => {
    await expect(walkContext({ context: '/nonexistent/kiln', dockerfile: 'Dockerfile' })).rejects.toMatchObject({
      name: 'KilnError',
      diagnostics: [{ kind: 'usage', message: 'build context /nonexistent/kiln is not a directory' }],
    });
  });
});
