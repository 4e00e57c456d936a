import { chmod, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { contextTar, generatedDockerfileName } from '../../src/context/tar.js';
import { walkContext } from '../../src/context/walk.js';
import { hashedOf, makeTree } from './fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Unpacked {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  linkname: string | null;
  content: string;
}

async function unpack(stream: Readable): Promise<Unpacked[]> {
  const out: Unpacked[] = [];
  const reader = extract();
  const done = (async () => {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const h = entry.header;
      out.push({
        name: h.name, type: h.type, mode: h.mode, uid: h.uid, gid: h.gid, uname: h.uname, gname: h.gname,
        mtime: h.mtime.getTime(), linkname: h.linkname, content: Buffer.concat(chunks).toString(),
      });
    }
  })();
  await Promise.all([pipeline(stream, reader as unknown as NodeJS.WritableStream), done]);
  return out;
}

describe('contextTar', () => {
  it('round-trips the walked entries with their metadata, owner normalized', async () => {
    const long = `${'deep/'.repeat(30)}file.txt`;
    const { root, cleanup } = await makeTree({
      Dockerfile: 'FROM busybox', 'src/app.sh': '#!/bin/sh\necho hi\n', 'empty.txt': '', link: { link: 'src/app.sh' },
      [long]: 'long name', 'ünïcode.txt': 'u',
    });
    cleanups.push(cleanup);
    await chmod(path.join(root, 'src/app.sh'), 0o750);
    const when = new Date('2024-05-01T10:00:00Z');
    await utimes(path.join(root, 'src/app.sh'), when, when);
    const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
    const unpacked = await unpack(contextTar({ context: root, entries, hashed: await hashedOf(entries) }));

    expect(unpacked.map((e) => e.name.replace(/\/$/, ''))).toEqual(entries.map((e) => e.path));
    const byName = new Map(unpacked.map((e) => [e.name.replace(/\/$/, ''), e]));
    expect(byName.get('src/app.sh')).toMatchObject({
      type: 'file', mode: 0o750, uid: 0, gid: 0, uname: '', gname: '', mtime: when.getTime(), content: '#!/bin/sh\necho hi\n',
    });
    expect(byName.get('src')).toMatchObject({ type: 'directory', uid: 0 });
    expect(byName.get('link')).toMatchObject({ type: 'symlink', linkname: 'src/app.sh', content: '' });
    expect(byName.get('empty.txt')).toMatchObject({ type: 'file', content: '' });
    expect(byName.get(long)).toMatchObject({ content: 'long name' });
    expect(byName.get('ünïcode.txt')).toMatchObject({ content: 'u' });
  });

  it('adds a Dockerfile from outside the context under a generated name', async () => {
    const { root, cleanup } = await makeTree({ 'docker/api.Dockerfile': 'FROM busybox\nCOPY . /app\n', 'ctx/a.txt': 'a' });
    cleanups.push(cleanup);
    const dockerfile = path.join(root, 'docker/api.Dockerfile');
    const context = path.join(root, 'ctx');
    const entries = await walkContext({ context, dockerfile });
    const content = await readFile(dockerfile, 'utf8');
    const nameInTar = generatedDockerfileName(content);
    expect(nameInTar).toMatch(/^\.dockerfile\.[0-9a-f]{12}$/);
    const unpacked = await unpack(contextTar({ context, entries, hashed: await hashedOf(entries), dockerfile: { path: dockerfile, nameInTar, content } }));
    // As docker/cli: a .dockerignore naming the added file, so the classic builder drops it.
    expect(unpacked.map((e) => [e.name, e.content])).toEqual([
      [nameInTar, 'FROM busybox\nCOPY . /app\n'],
      ['.dockerignore', `\n${nameInTar}\n`],
      ['a.txt', 'a'],
    ]);
    expect(unpacked[0]).toMatchObject({ mode: 0o644, uid: 0 });
  });

  it('appends the added Dockerfile to an existing .dockerignore', async () => {
    const { root, cleanup } = await makeTree({ 'Dockerfile.outside': 'FROM busybox', 'ctx/.dockerignore': '*.log', 'ctx/a.txt': 'a' });
    cleanups.push(cleanup);
    const context = path.join(root, 'ctx');
    const dockerfile = path.join(root, 'Dockerfile.outside');
    const entries = await walkContext({ context, dockerfile });
    const nameInTar = generatedDockerfileName('FROM busybox');
    const unpacked = await unpack(contextTar({ context, entries, hashed: await hashedOf(entries), dockerfile: { path: dockerfile, nameInTar, content: 'FROM busybox' } }));
    expect(unpacked.map((e) => [e.name, e.content])).toEqual([
      [nameInTar, 'FROM busybox'],
      ['.dockerignore', `*.log\n${nameInTar}\n`],
      ['a.txt', 'a'],
    ]);
  });

  it('sends rewritten Dockerfile text in place of the file', async () => {
    const { root, cleanup } = await makeTree({ Dockerfile: 'FROM busybox:latest', 'a.txt': 'a' });
    cleanups.push(cleanup);
    const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
    const content = 'FROM busybox@sha256:abc';
    const dockerfile = path.join(root, 'Dockerfile');
    const hashed = await hashedOf(entries);
    const inPlace = await unpack(contextTar({ context: root, entries, hashed, dockerfile: { path: dockerfile, nameInTar: 'Dockerfile', content } }));
    expect(inPlace.map((e) => [e.name, e.content])).toEqual([['Dockerfile', content], ['a.txt', 'a']]);
    const aside = await unpack(
      contextTar({ context: root, entries, hashed, dockerfile: { path: dockerfile, nameInTar: generatedDockerfileName(content), content } }),
    );
    expect(aside.map((e) => e.content)).toEqual([content, `\n${generatedDockerfileName(content)}\n`, 'FROM busybox:latest', 'a']);
  });

  it('sends a Dockerfile that is a link in the context as the link, its target as a file of its own', async () => {
    const { root, cleanup } = await makeTree({ Dockerfile: { link: 'docker/real' }, 'docker/real': 'FROM busybox' });
    cleanups.push(cleanup);
    const entries = await walkContext({ context: root, dockerfile: 'Dockerfile' });
    const dockerfile = { path: path.join(root, 'Dockerfile'), nameInTar: 'Dockerfile', content: 'FROM busybox' };
    const unpacked = await unpack(contextTar({ context: root, entries, hashed: await hashedOf(entries), dockerfile }));
    expect(unpacked.map((e) => [e.name.replace(/\/$/, ''), e.type, e.linkname ?? e.content])).toEqual([
      ['Dockerfile', 'symlink', 'docker/real'],
      ['docker', 'directory', ''],
      ['docker/real', 'file', 'FROM busybox'],
    ]);
  });

  it('sends the Dockerfile text it is given, not the file on disk, inside or outside the context', async () => {
    const { root, cleanup } = await makeTree({ 'ctx/Dockerfile': 'FROM busybox', 'ctx/a.txt': 'a', 'outside.Dockerfile': 'FROM busybox' });
    cleanups.push(cleanup);
    const context = path.join(root, 'ctx');
    const entries = await walkContext({ context, dockerfile: 'Dockerfile' });
    const hashed = await hashedOf(entries);
    await writeFile(path.join(root, 'outside.Dockerfile'), 'FROM evil');
    const nameInTar = generatedDockerfileName('FROM busybox');
    const outside = await unpack(contextTar({ context, entries, hashed, dockerfile: { path: path.join(root, 'outside.Dockerfile'), nameInTar, content: 'FROM busybox' } }));
    expect(outside[0]).toMatchObject({ name: nameInTar, content: 'FROM busybox' });
    await writeFile(path.join(context, 'Dockerfile'), 'FROM evil');
    const inside = await unpack(contextTar({ context, entries, hashed, dockerfile: { path: path.join(context, 'Dockerfile'), nameInTar: 'Dockerfile', content: 'FROM busybox' } }));
    expect(inside.map((e) => [e.name, e.content])).toEqual([['Dockerfile', 'FROM busybox'], ['a.txt', 'a']]);
  });
});
