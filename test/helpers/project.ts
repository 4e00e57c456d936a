import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A project folder made for one test. */
export interface TempProject {
  root: string;
  /** A name unique to this run, for repositories and the project `name`, so tests never collide. */
  id: string;
  /** Writes (or overwrites) files relative to the root. */
  write(files: Record<string, string>): Promise<void>;
  remove(): Promise<void>;
}

/** Creates a temp project holding `files` (paths relative to its root); `git: true` makes it a repo with one commit. */
export async function tempProject(files: Record<string, string>, options: { git?: boolean } = {}): Promise<TempProject> {
  const root = await mkdtemp(join(tmpdir(), 'kiln-test-'));
  const id = `t${randomBytes(4).toString('hex')}`;
  const write = async (more: Record<string, string>) => {
    for (const [path, content] of Object.entries(more)) {
      const file = join(root, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content.replaceAll('{{id}}', id));
    }
  };
  await write(files);
  if (options.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
    git('init', '-q');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
  }
  return { root, id, write, remove: () => rm(root, { recursive: true, force: true }) };
}
