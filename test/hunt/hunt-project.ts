import { chmod, lstat, mkdir, readFile, readdir, rm, symlink, truncate, appendFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Prng } from './prng.js';
import { services } from '../helpers/services.js';
import { tempProject, type TempProject } from '../helpers/project.js';
import { sha256 } from './tree.js';

/** One image of a generated project and how it reaches its manifest parents. */
export interface HuntImage {
  name: string;
  /** The manifest image its `FROM` names; undefined: the external busybox base. */
  from?: string;
  /** The manifest image it `COPY --from`s (its own /ctx part only). */
  copyFrom?: string;
  /** Seconds of `RUN sleep`, to widen the windows where a run waits for a dependency. */
  sleep: number;
}

/** A generated project on disk: images whose filesystems show exactly what they were built from. */
export interface HuntProject {
  project: TempProject;
  images: HuntImage[];
  /** The variable that sets image `name`'s build arg `V` (`--var V_<name>=...`). */
  varOf(name: string): string;
  /** The value `V` gets when no `--var` sets it. */
  readonly defaultValue: string;
  /** The one reference the image is tagged with and its dependents name: `<registry>/<id>/<name>:latest`, or `<registry>/<id>/shared:<name>` when the images share a repository (the docker-library layout). */
  ref(name: string): string;
  /** Absolute path of the image's context. */
  context(name: string): string;
  /** Every Dockerfile text the project ever had, by sha256: what an image's rewritten copy is matched to. */
  dockerfiles: Map<string, string>;
  /** The external base of every image without a manifest parent. */
  base: string;
}

/** Every image copies its context to `/ctx/<name>/` and writes its arg `V` to `/ctx/<name>.arg`. */
function dockerfile(project: Pick<HuntProject, 'ref' | 'dockerfiles' | 'base'> & { id: string }, image: HuntImage, comment = ''): string {
  const lines = [
    `FROM ${image.from ? project.ref(image.from) : project.base}`,
    'ARG V',
    `COPY . /ctx/${image.name}/`,
    ...(image.copyFrom
      ? [
          `COPY --from=${project.ref(image.copyFrom)} /ctx/${image.copyFrom}/ /ctx/${image.copyFrom}/`,
          `COPY --from=${project.ref(image.copyFrom)} /ctx/${image.copyFrom}.arg /ctx/${image.copyFrom}.arg`,
        ]
      : []),
    // The project id keeps BuildKit's cache of other tests out of this image's layers.
    `RUN sleep ${image.sleep} && echo "$V" > /ctx/${image.name}.arg # ${project.id}${comment}`,
  ];
  const text = `${lines.join('\n')}\n`;
  project.dockerfiles.set(sha256(text), text);
  return text;
}

/** Random text of `size` bytes in lines of letters (a newline at most every 40 bytes). */
export function text(rng: Prng, size: number): string {
  let out = '';
  while (out.length < size) out += out.length % 40 === 39 ? '\n' : rng.word(1);
  return out;
}

/** An hour ago: generated files start outside the stat cache's racy window, as a checkout's do. */
const past = () => new Date(Date.now() - 3_600_000);

/** Options of {@link generateProject}. */
export interface GenerateOptions {
  /** A fixed graph instead of a random one. */
  images?: HuntImage[];
  /** Every image in one repository, told apart by tag; default: at random. */
  sharedRepository?: boolean;
  /** The external base (default: the test services' busybox). */
  base?: string;
}

/**
 * Generates a project of 3-4 images on busybox: `i0` a base, `i1` FROM `i0`, `i2` COPY --from an
 * earlier image, and maybe `i3` with a random parent and copy source; each with a context of a
 * few files (one executable, one in a subfolder, a symlink), a `.dockerignore` excluding
 * `ignored/` and `*.tmp` (both present), and a build arg set from a variable. Sometimes every
 * image shares one repository with a tag each, as the docker-library images do.
 */
export async function generateProject(rng: Prng, options: GenerateOptions = {}): Promise<HuntProject> {
  const project = await tempProject({});
  const registry = `${services().registry}/${project.id}`;
  const images = options.images?.map((i) => ({ ...i })) ?? randomGraph(rng);
  const shared = options.sharedRepository ?? rng.chance(0.3);
  const repository = (name: string) => (shared ? `${registry}/shared` : `${registry}/${name}`);
  const tag = (name: string) => (shared ? name : 'latest');
  const hunt: HuntProject = {
    project,
    images,
    varOf: (name) => `V_${name}`,
    defaultValue: 'd0',
    ref: (name) => `${repository(name)}:${tag(name)}`,
    context: (name) => join(project.root, name),
    dockerfiles: new Map(),
    base: options.base ?? services().baseImage,
  };
  const manifest = [
    'version: 1',
    `name: "${project.id}"`,
    `registry: ${registry}`,
    'images:',
    ...images.map((i) => `  ${i.name}: { context: ${i.name}, repository: ${repository(i.name)}, tags: [${tag(i.name)}], args: { V: "\${${hunt.varOf(i.name)}:-${hunt.defaultValue}}" } }`),
    '',
  ].join('\n');
  const files: Record<string, string> = { 'images.yaml': manifest };
  for (const image of images) {
    const dir = image.name;
    files[`${dir}/Dockerfile`] = dockerfile({ ...hunt, id: project.id }, image);
    files[`${dir}/.dockerignore`] = 'ignored\n*.tmp\n';
    const count = rng.int(2, 4);
    for (let i = 0; i < count; i++) files[`${dir}/f${i}.txt`] = text(rng, rng.int(1, 3000));
    files[`${dir}/sub/g.txt`] = text(rng, rng.int(1, 500));
    files[`${dir}/run.sh`] = `echo ${rng.word(8)}\n`;
    files[`${dir}/ignored/note.txt`] = text(rng, 50);
    files[`${dir}/scratch.tmp`] = text(rng, 50);
  }
  await project.write(files);
  for (const image of images) {
    await chmod(join(hunt.context(image.name), 'run.sh'), 0o755);
    await symlink('f0.txt', join(hunt.context(image.name), 'link'));
  }
  await agePaths(project.root);
  return hunt;
}

/** `i0` a base, `i1` FROM it, `i2` COPY --from an earlier one, and maybe `i3` with random edges. */
function randomGraph(rng: Prng): HuntImage[] {
  const images: HuntImage[] = [
    { name: 'i0', sleep: sleepOf(rng) },
    { name: 'i1', from: 'i0', sleep: sleepOf(rng) },
    { name: 'i2', ...(rng.chance(0.5) ? { from: 'i0' } : {}), copyFrom: rng.pick(['i0', 'i1']), sleep: sleepOf(rng) },
  ];
  if (rng.chance(0.6)) {
    const from = rng.pick(['i1', 'i2', undefined]);
    const copyFrom = rng.pick(['i0', 'i1', 'i2'].filter((n) => n !== from));
    images.push({ name: 'i3', ...(from ? { from } : {}), ...(rng.chance(0.6) ? { copyFrom } : {}), sleep: sleepOf(rng) });
  }
  return images;
}

function sleepOf(rng: Prng): number {
  return rng.int(1, 8) / 10;
}

/** Sets the mtime of every file under `dir` an hour back (symlinks are left as they are). */
async function agePaths(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await agePaths(path);
    else if (entry.isFile()) await utimes(path, past(), past());
  }
}

/** The kinds of edit the mutator makes. */
export const mutationKinds = ['content', 'same-size-keep-mtime', 'grow', 'append', 'truncate', 'chmod', 'add', 'remove', 'ignored', 'dockerfile', 'symlink'] as const;

/** One kind of edit. */
export type MutationKind = (typeof mutationKinds)[number];

/** Regular files of a context that the mutator may edit (not the Dockerfile, .dockerignore, ignored files). */
async function editableFiles(context: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await readdir(join(context, dir), { withFileTypes: true })) {
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (prefix === '' && ['Dockerfile', '.dockerignore', 'ignored'].includes(entry.name)) continue;
      if (prefix === '' && entry.name.endsWith('.tmp')) continue;
      if (entry.isDirectory()) await walk(rel, rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  await walk('', '');
  return out.sort();
}

/** Which image and file an edit goes to; random where absent. */
export interface MutationTarget {
  image?: string;
  /** Relative to the image's context. */
  file?: string;
}

/** Applies one edit of `kind` (random when absent) to the target (random when absent); returns what it did. */
export async function mutate(hunt: HuntProject, rng: Prng, kind: MutationKind = rng.pick(mutationKinds), target: MutationTarget = {}): Promise<string> {
  const image = hunt.images.find((i) => i.name === target.image) ?? rng.pick(hunt.images);
  const context = hunt.context(image.name);
  const files = await editableFiles(context);
  const file = target.file ?? (files.length > 0 ? rng.pick(files) : undefined);
  const at = (rel: string) => join(context, rel);
  const where = `${image.name}/${file ?? ''}`;
  switch (kind) {
    case 'content':
      if (!file) return mutate(hunt, rng, 'add');
      await writeFile(at(file), text(rng, rng.int(1, 3000)));
      return `content ${where}`;
    case 'same-size-keep-mtime': {
      if (!file) return mutate(hunt, rng, 'add');
      const before = await lstat(at(file));
      const old = await readFile(at(file), 'utf8');
      let next = text(rng, old.length);
      // Same size, different bytes (a single byte can only become another single byte).
      while (next === old && old.length > 0) next = text(rng, old.length);
      await writeFile(at(file), next);
      await utimes(at(file), before.atime, before.mtime);
      return `same-size-keep-mtime ${where}`;
    }
    case 'grow': {
      // Rewritten longer, not appended: a file cut at its old size is then visibly wrong.
      if (!file) return mutate(hunt, rng, 'add');
      const { size } = await lstat(at(file));
      await writeFile(at(file), text(rng, size + rng.int(1, 20_000)));
      return `grow ${where}`;
    }
    case 'append':
      if (!file) return mutate(hunt, rng, 'add');
      await appendFile(at(file), text(rng, rng.int(1, 20_000)));
      return `append ${where}`;
    case 'truncate': {
      if (!file) return mutate(hunt, rng, 'add');
      const { size } = await lstat(at(file));
      await truncate(at(file), Math.floor(size / 2));
      return `truncate ${where}`;
    }
    case 'chmod': {
      if (!file) return mutate(hunt, rng, 'add');
      const { mode } = await lstat(at(file));
      await chmod(at(file), (mode & 0o111) !== 0 ? 0o644 : 0o755);
      return `chmod ${where}`;
    }
    case 'add': {
      const rel = `${rng.pick(['', 'sub/', 'new/'])}n-${rng.word(4)}.txt`;
      await mkdir(join(context, rel, '..'), { recursive: true });
      await writeFile(at(rel), text(rng, rng.int(0, 2000)));
      return `add ${image.name}/${rel}`;
    }
    case 'remove':
      if (!file || files.length < 2) return mutate(hunt, rng, 'add');
      await rm(at(file));
      return `remove ${where}`;
    case 'ignored': {
      const rel = rng.pick(['ignored/note.txt', `ignored/x-${rng.word(3)}.txt`, 'scratch.tmp', `y-${rng.word(3)}.tmp`]);
      await mkdir(join(context, rel, '..'), { recursive: true });
      await writeFile(at(rel), text(rng, rng.int(1, 2000)));
      return `ignored ${image.name}/${rel}`;
    }
    case 'dockerfile':
      image.sleep = sleepOf(rng);
      await writeFile(at('Dockerfile'), dockerfile({ ...hunt, id: hunt.project.id }, image, ` edit ${rng.word(4)}`));
      return `dockerfile ${image.name} (sleep ${image.sleep})`;
    case 'symlink': {
      await rm(at('link'), { force: true });
      const target = rng.pick([...files, 'dangling']);
      await symlink(target, at('link'));
      return `symlink ${image.name}/link -> ${target}`;
    }
  }
}
