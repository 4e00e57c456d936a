import { loadKeyRecord } from '../../src/plan/key-record.js';
import { KilnLabel } from '../../src/model/labels.js';
import type { Engine } from '../../src/engine/engine.js';
import type { HuntProject } from './hunt-project.js';
import { derivedKey } from './derive-key.js';
import { imageReader, withOriginalDockerfiles, type ImageFolder } from './image-files.js';
import { claims, type KilnRun } from './kiln-runs.js';
import { coarsen, diffTrees, diskTree, fingerprint, recordTree, sha256, type Tree } from './tree.js';
import { services } from '../helpers/services.js';

/** Judges what kiln claimed against the images themselves. Every check returns violations, never throws on one. */
export interface Oracle {
  /**
   * Every `built`/`cached` event of the run names an image that carries its key and holds exactly
   * what the key's record describes, parents included; its args are the run's. `exact` (a run with
   * nothing editing the project) also requires exit 0, every image claimed, its record and its
   * content equal to the files on disk (parents included), and every tag on the claimed image.
   */
  checkRun(run: KilnRun, options: { exact: boolean }): Promise<string[]>;
  /** Every image's tag names an image whose content is the one its own key label describes. */
  checkTags(): Promise<string[]>;
  close(): Promise<void>;
}

/** An oracle for a generated project on the real engine. */
export function oracle(hunt: HuntProject, engine: Engine): Oracle {
  const reader = imageReader(services().dockerHost);
  // Image IDs are content addresses: what an ID holds never changes, so one read each is enough.
  const folders = new Map<string, Promise<ImageFolder | undefined>>();
  const folderOf = (id: string) => {
    let folder = folders.get(id);
    if (!folder) folders.set(id, (folder = reader.read(id, '/ctx').then((f) => f && withOriginalDockerfiles(f, hunt.dockerfiles))));
    return folder;
  };
  const root = hunt.project.root;
  const plan = new Map(hunt.images.map((i) => [i.name, i]));

  /** Where the expected content comes from: the key's record, or the files on disk now and a run's vars. */
  type Source = { kind: 'record' } | { kind: 'disk'; vars: Record<string, string> };

  /** The /ctx part an image adds itself: its context and its arg. */
  async function own(name: string, key: string | undefined, source: Source, problems: string[]): Promise<{ tree: Tree; coarse: boolean }> {
    const tree: Tree = new Map([[name, 'directory']]);
    let files: Tree;
    let coarse = false;
    let value: string;
    if (source.kind === 'disk') {
      files = diskTree(hunt.context(name));
      value = source.vars[hunt.varOf(name)] ?? hunt.defaultValue;
    } else {
      const record = key === undefined ? undefined : await loadKeyRecord(root, key);
      if (!record) {
        problems.push(`no key record for ${name}'s key ${key?.slice(0, 12)}`);
        return { tree: new Map(), coarse: true };
      }
      ({ tree: files, coarse } = recordTree(record.files));
      value = record.args.V ?? '';
    }
    for (const [path, entry] of files) tree.set(`${name}/${path}`, entry);
    tree.set(`${name}.arg`, fingerprint('file', 0o644, sha256(`${value}\n`)));
    return { tree, coarse };
  }

  /** All of /ctx an image must hold: its own part, its FROM parent's whole /ctx, its COPY --from source's own part. */
  async function expected(name: string, key: string, source: Source, problems: string[]): Promise<{ tree: Tree; coarse: boolean }> {
    const mine = await own(name, key, source, problems);
    const record = await loadKeyRecord(root, key);
    const image = plan.get(name)!;
    const wanted = [...new Set([image.from, image.copyFrom].filter((d): d is string => d !== undefined))].sort();
    const deps = record?.dependencies ?? {};
    if (record && source.kind === 'record' && Object.keys(deps).sort().join() !== wanted.join()) {
      problems.push(`${name}'s key record lists dependencies [${Object.keys(deps).sort().join()}], its Dockerfile names [${wanted.join()}]`);
    }
    let coarse = mine.coarse;
    const add = (more: { tree: Tree; coarse: boolean }) => {
      for (const [path, entry] of more.tree) mine.tree.set(path, entry);
      coarse ||= more.coarse;
    };
    if (image.from && deps[image.from]) add(await expected(image.from, deps[image.from]!, source, problems));
    if (image.copyFrom && deps[image.copyFrom]) add(await own(image.copyFrom, deps[image.copyFrom], source, problems));
    return { tree: mine.tree, coarse };
  }

  /**
   * Each part of the image's /ctx (its own, its FROM parents', its COPY --from source's) hashes,
   * by kiln's own functions, to the key its record names: folders and modes count too.
   */
  async function keyProblems(folder: ImageFolder, name: string, key: string, copied: boolean, problems: string[]): Promise<void> {
    const record = await loadKeyRecord(root, key);
    if (!record) return; // reported by the content comparison
    const derived = await derivedKey(folder, name, record, hunt.images.map((i) => hunt.ref(i.name)));
    if (derived !== key) problems.push(`image /ctx/${name} hashes to key ${derived?.slice(0, 12) ?? '(no Dockerfile)'} (kiln's walk, hash and key function on the image's files), not ${key.slice(0, 12)}`);
    if (copied) return;
    const image = plan.get(name)!;
    if (image.from && record.dependencies[image.from]) await keyProblems(folder, image.from, record.dependencies[image.from]!, false, problems);
    if (image.copyFrom && record.dependencies[image.copyFrom]) await keyProblems(folder, image.copyFrom, record.dependencies[image.copyFrom]!, true, problems);
  }

  /** The image `id` carries `key` and holds exactly what the source says the key describes. */
  async function checkImage(name: string, id: string, key: string, source: Source): Promise<string[]> {
    const problems: string[] = [];
    const inspect = await engine.inspectImage(id);
    if (!inspect) return [`image ${id} does not exist`];
    const labels = inspect.Config?.Labels ?? {};
    if (source.kind === 'record') {
      if (labels[KilnLabel.key] !== key) problems.push(`image label ${KilnLabel.key}=${labels[KilnLabel.key] ?? '(none)'}, not the key`);
      if (labels[KilnLabel.image] !== name) problems.push(`image label ${KilnLabel.image}=${labels[KilnLabel.image] ?? '(none)'}`);
    }
    const want = await expected(name, key, source, problems);
    const folder = await folderOf(id);
    if (folder && source.kind === 'record') await keyProblems(folder, name, key, false, problems);
    const have = folder?.tree ?? new Map<string, string>();
    const what = source.kind === 'record' ? 'the key' : 'disk';
    const diffs = want.coarse ? diffTrees(coarsen(want.tree), coarsen(have)) : diffTrees(want.tree, have);
    problems.push(...diffs.map((d) => `image /ctx/${d.replace('key says', `${what} says`).replace('not in the key', `not in ${what}`)}`));
    return problems;
  }

  return {
    async checkRun(run, { exact }) {
      const violations: string[] = [];
      const keyOf = new Map(claims(run).map((c) => [c.image, c.key]));
      for (const claim of claims(run)) {
        const problems = await checkImage(claim.image, claim.id, claim.key, { kind: 'record' });
        if (exact) problems.push(...(await checkImage(claim.image, claim.id, claim.key, { kind: 'disk', vars: run.vars })));
        const record = await loadKeyRecord(root, claim.key);
        if (record) {
          const value = run.vars[hunt.varOf(claim.image)] ?? hunt.defaultValue;
          if (record.args.V !== value) problems.push(`key's arg V=${record.args.V}, the run passed ${value}`);
          for (const [dep, depKey] of Object.entries(record.dependencies)) {
            const claimed = keyOf.get(dep);
            if (claimed !== undefined && claimed !== depKey) problems.push(`key depends on ${dep} ${depKey.slice(0, 12)}, the run claimed ${dep} ${claimed.slice(0, 12)}`);
          }
          if (exact) {
            const { tree, coarse } = recordTree(record.files);
            const disk = diskTree(hunt.context(claim.image));
            const diffs = coarse ? diffTrees(coarsen(tree), coarsen(disk)) : diffTrees(tree, disk);
            problems.push(...diffs.map((d) => `key record vs disk ${claim.image}/${d.replace('but key says', 'on disk but the key record says')}`));
          }
        }
        if (exact) {
          const tagged = await engine.inspectImage(hunt.ref(claim.image));
          if (tagged?.Id !== claim.id) problems.push(`tag ${hunt.ref(claim.image)} points at ${tagged?.Id ?? 'nothing'}`);
        }
        violations.push(...problems.map((p) => `${run.label}: ${claim.image} ${claim.type} key ${claim.key.slice(0, 12)} id ${claim.id.slice(7, 19)}: ${p}`));
      }
      if (exact) {
        if (run.code !== 0) violations.push(`${run.label}: exit ${run.code}, expected 0: ${run.stderr.trim().slice(0, 500)}`);
        for (const image of hunt.images) if (!keyOf.has(image.name)) violations.push(`${run.label}: ${image.name} neither built nor cached`);
      }
      return violations;
    },
    async checkTags() {
      const violations: string[] = [];
      for (const image of hunt.images) {
        const ref = hunt.ref(image.name);
        const tagged = await engine.inspectImage(ref);
        const key = tagged?.Config?.Labels?.[KilnLabel.key];
        if (!tagged || !key) continue; // never built yet: nothing is claimed
        violations.push(...(await checkImage(image.name, tagged.Id, key, { kind: 'record' })).map((p) => `tag ${ref} -> ${tagged.Id.slice(7, 19)}: ${p}`));
      }
      return violations;
    },
    close: () => reader.close(),
  };
}
