import path from 'node:path';
import { createContextFilter, parseDockerignore, type ContextFilter } from '../context/index.js';
import { createMatcher } from '../context/dockerignore.js';
import { lockPath } from '../lock/lock-file.js';
import type { BuildGraph } from '../plan/graph.js';

/** What one changed path means to the watched images. */
export interface ChangeMeaning {
  /** The manifest itself changed: re-plan everything. */
  manifest: boolean;
  /** Images whose inputs the path is (before adding dependents). */
  images: string[];
  /** Images whose walked context the path may change: `images` plus those that only `watch.ignore` keeps from triggering. */
  contexts: string[];
  /** A Dockerfile or an ignore file changed: edges or watch filters may differ, so re-resolve. */
  structure: boolean;
  /** An ignore file changed: what the watcher may skip changed too. */
  ignoreRules: boolean;
}

/** The paths to watch for a graph and how to read a change to one of them. */
export interface WatchSet {
  /** Contexts, Dockerfiles, ignore-file candidates, the manifest and kiln.lock (absolute). */
  paths: string[];
  /** Whether the watcher can skip a path (and, for a directory, everything below it). */
  skip(absolutePath: string): boolean;
  /** Which images a change to the path affects. */
  classify(absolutePath: string): ChangeMeaning;
}

interface WatchedImage {
  name: string;
  context: string;
  dockerfile: string;
  ignoreFiles: string[];
  filter: ContextFilter;
  /** `watch.ignore`: changes never trigger, though the files stay in the context. */
  watchIgnore: ContextFilter['ignores'];
}

/** kiln's state folder (hash cache, key records): never an input. */
const STATE_DIR = '.kiln';

/** Reads each image's .dockerignore and `watch.ignore` once; call again after an ignore file or the manifest changes. */
export async function createWatchSet(graph: BuildGraph): Promise<WatchSet> {
  const project = graph.project;
  const images: WatchedImage[] = await Promise.all(
    [...graph.nodes.values()].map(async ({ spec }) => {
      const filter = await createContextFilter({ context: spec.context, dockerfile: spec.dockerfile });
      const watchIgnore = createMatcher(parseDockerignore(spec.watchIgnore.join('\n'))).ignores;
      return {
        name: spec.name,
        context: spec.context,
        dockerfile: spec.dockerfile,
        ignoreFiles: [`${spec.dockerfile}.dockerignore`, path.join(spec.context, '.dockerignore')],
        filter,
        watchIgnore,
      };
    }),
  );
  const stateDir = path.join(project.root, STATE_DIR);
  const lockFile = lockPath(project.root);
  // A pin is in the key of every image that builds on an external base: a lock edit may change any of them.
  const onBases = [...graph.nodes.values()].filter((n) => n.externalBases.length > 0).map((n) => n.spec.name);
  const paths = [...new Set([project.file, lockFile, ...images.flatMap((i) => [i.context, i.dockerfile, ...i.ignoreFiles])])];

  const inContext = (image: WatchedImage, file: string): string | undefined => {
    const rel = path.relative(image.context, file);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  };
  const isState = (file: string, image?: WatchedImage): boolean =>
    within(stateDir, file) || (image !== undefined && within(path.join(image.context, STATE_DIR), file));

  return {
    paths,
    skip(file) {
      if (file === project.file || file === lockFile) return false;
      if (within(stateDir, file)) return true;
      return images.every((image) => {
        if (file === image.dockerfile || image.ignoreFiles.includes(file)) return false;
        if (within(file, image.context) || within(file, image.dockerfile)) return false; // an ancestor of what we watch
        const rel = inContext(image, file);
        if (rel === undefined || isState(file, image)) return true;
        return image.filter.ignores(rel) && image.filter.canPrune(rel);
      });
    },
    classify(file) {
      const meaning: ChangeMeaning = { manifest: file === project.file, images: [], contexts: [], structure: false, ignoreRules: false };
      if (isState(file)) return meaning;
      for (const image of images) {
        if (file === image.dockerfile || image.ignoreFiles.includes(file)) {
          meaning.images.push(image.name);
          meaning.contexts.push(image.name);
          meaning.structure = true;
          if (file !== image.dockerfile) meaning.ignoreRules = true;
          continue;
        }
        const rel = inContext(image, file);
        if (rel === undefined || isState(file, image)) continue;
        if (image.filter.ignores(rel)) continue;
        meaning.contexts.push(image.name);
        if (image.watchIgnore(rel)) continue;
        meaning.images.push(image.name);
      }
      if (file === lockFile) meaning.images.push(...onBases.filter((name) => !meaning.images.includes(name)));
      return meaning;
    },
  };
}

/** Whether `file` is `dir` or below it. */
function within(dir: string, file: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}
