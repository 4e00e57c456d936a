import { describe, expect, test } from 'vitest';
import type { ImageSpec, Project } from '../../src/model/project.js';
import { resolveGraph } from '../../src/plan/resolve-graph.js';
import { mulberry32 } from '../helpers/random.js';

/*
 * Hunts for wrong edges: random manifests of images sharing a few repositories under random tags,
 * whose Dockerfiles name produced and unproduced references in every spelling docker accepts. An
 * oracle that knows each reference's identity by construction (it never parses one) says what
 * resolveGraph must answer: an edge iff the reference is exactly a reference another image
 * produces; an error iff it names the image's own produced reference, or a manifest repository
 * under a tag no image produces; an external base otherwise (always for a digest).
 */

/** A repository by its identity, and every way of writing it that docker normalizes to it. */
interface Repository {
  id: string;
  spellings: string[];
  /** Whether manifest images may use it (the others are only ever external). */
  manifest: boolean;
}

const REPOSITORIES: Repository[] = [
  { id: 'hub/library/nginx', spellings: ['nginx', 'library/nginx', 'docker.io/library/nginx', 'docker.io/nginx', 'index.docker.io/library/nginx'], manifest: true },
  { id: 'hub/acme/nginx', spellings: ['acme/nginx', 'docker.io/acme/nginx', 'index.docker.io/acme/nginx'], manifest: true },
  { id: 'local5000/acme/nginx', spellings: ['127.0.0.1:5000/acme/nginx'], manifest: true },
  { id: 'localhost/acme/nginx', spellings: ['localhost/acme/nginx'], manifest: true },
  { id: 'hub/library/busybox', spellings: ['busybox', 'docker.io/library/busybox'], manifest: true },
  { id: 'hub/library/alpine', spellings: ['alpine', 'docker.io/library/alpine'], manifest: false },
  { id: 'local5001/acme/nginx', spellings: ['127.0.0.1:5001/acme/nginx'], manifest: false },
];
const TAGS = ['latest', '1.27', '1.27-slim', '1.27-perl', 'dev'];
const DIGEST = `sha256:${'5e'.repeat(32)}`;

/** A small deterministic PRNG (mulberry32), so a failing seed reproduces. */
function random(seed: number): { int(n: number): number; chance(p: number): boolean; pick<T>(list: readonly T[]): T } {
  const next = mulberry32(seed);
  return {
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)]!,
  };
}

type Rng = ReturnType<typeof random>;
type Kind = 'from' | 'copy-from' | 'mount-from';

/** A reference as generated: its text, and what it is (the oracle's only knowledge). */
interface Reference {
  text: string;
  repository: string;
  /** The tag written; undefined means latest. */
  tag?: string;
  digest: boolean;
  kind: Kind;
  line: number;
  column: number;
}

interface Case {
  project: Project;
  dockerfiles: Map<string, string>;
  references: Map<string, Reference[]>;
  /** Identity (`repository tag`) → the image producing it. */
  producers: Map<string, string>;
}

/**
 * A random reference. Half of them name something an image produces (in any spelling), so edges
 * are common. In a clean case they avoid the image's own references and manifest repositories
 * under other tags, so that some whole manifests resolve; the oracle judges either way.
 */
function reference(rng: Rng, kind: Kind, options: { producers: ReadonlyMap<string, string>; self: string; clean: boolean }): Omit<Reference, 'line' | 'column'> {
  const produced = [...options.producers].filter(([, image]) => !options.clean || image !== options.self).map(([identity]) => identity);
  const [id, producedTag] = produced.length > 0 && rng.chance(0.5) ? rng.pick(produced).split(' ') : [];
  const candidates = options.clean ? REPOSITORIES.filter((r) => !r.manifest) : REPOSITORIES;
  const repository = REPOSITORIES.find((r) => r.id === id) ?? rng.pick(candidates);
  const spelling = rng.pick(repository.spellings);
  const tag = producedTag === 'latest' && rng.chance(0.5) ? undefined : (producedTag ?? (rng.chance(0.25) ? undefined : rng.chance(0.15) ? 'nope' : rng.pick(TAGS)));
  const digest = rng.chance(0.1);
  const text = `${spelling}${tag === undefined ? '' : `:${tag}`}${digest ? `@${DIGEST}` : ''}`;
  return { text, repository: repository.id, ...(tag !== undefined && { tag }), digest, kind };
}

function generate(seed: number): Case {
  const rng = random(seed);
  const count = 2 + rng.int(5);
  const images = new Map<string, ImageSpec>();
  const producers = new Map<string, string>();
  const manifestRepositories = REPOSITORIES.filter((r) => r.manifest);
  const names = Array.from({ length: count }, (_, i) => `img${i}`);
  for (const name of names) {
    const repository = rng.pick(manifestRepositories);
    // Never two producers of one reference: that is the loader's error, tested on its own.
    const tags = TAGS.filter((t) => rng.chance(0.35) && !producers.has(`${repository.id} ${t}`));
    for (const tag of tags) producers.set(`${repository.id} ${tag}`, name);
    const others = names.filter((n) => n !== name);
    const dependsOn = rng.chance(0.15) ? [rng.pick(others)] : [];
    images.set(name, {
      name,
      context: `/hunt/${name}`,
      dockerfile: `/hunt/${name}/Dockerfile`,
      args: {},
      labels: {},
      tags,
      tagTemplates: tags,
      repository: rng.pick(repository.spellings),
      dependsOn,
      watchIgnore: [],
      locations: { image: { file: '/hunt/images.yaml', line: 1, column: 1 } },
    } as ImageSpec);
  }

  const dockerfiles = new Map<string, string>();
  const references = new Map<string, Reference[]>();
  const clean = rng.chance(0.5);
  for (const name of names) {
    const pick = { producers, self: name, clean };
    const globals: string[] = [];
    const body: string[] = [];
    const found: Omit<Reference, 'line'>[] = [];
    // Lines of `body` are numbered once the global ARGs are known.
    const bodyRefs: { index: number; ref: Omit<Reference, 'line'> }[] = [];
    const stages = 1 + rng.int(3);
    for (let stage = 0; stage < stages; stage++) {
      if (stage > 0 && rng.chance(0.15)) body.push(`FROM s${rng.int(stage)} AS s${stage}`);
      else {
        const ref = reference(rng, 'from', pick);
        if (rng.chance(0.2)) {
          globals.push(`ARG B${stage}=${ref.text}`);
          body.push(`FROM \${B${stage}} AS s${stage}`);
        } else body.push(`FROM ${ref.text} AS s${stage}`);
        bodyRefs.push({ index: body.length - 1, ref: { ...ref, column: 6 } });
      }
      if (rng.chance(0.4)) {
        const ref = reference(rng, 'copy-from', pick);
        body.push(`COPY --from=${ref.text} /a /a`);
        bodyRefs.push({ index: body.length - 1, ref: { ...ref, column: 13 } });
      }
      if (rng.chance(0.3)) {
        const ref = reference(rng, 'mount-from', pick);
        body.push(`RUN --mount=type=bind,from=${ref.text},target=/m true`);
        bodyRefs.push({ index: body.length - 1, ref: { ...ref, column: 28 } });
      }
    }
    // The last stage needs every earlier one, so every reference counts.
    for (let stage = 0; stage < stages - 1; stage++) body.push(`COPY --from=s${stage} /x /x${stage}`);
    found.push(...bodyRefs.map((b) => b.ref));
    dockerfiles.set(`/hunt/${name}/Dockerfile`, [...globals, ...body].join('\n') + '\n');
    references.set(
      name,
      bodyRefs.map((b) => ({ ...b.ref, line: globals.length + b.index + 1 })),
    );
  }
  const project = { name: 'hunt', root: '/hunt', file: '/hunt/images.yaml', insecureRegistries: [], allowOutsideRoot: false, images, groups: new Map() } as Project;
  return { project, dockerfiles, references, producers };
}

/** What resolveGraph must answer for a case. */
interface Expected {
  errors: string[];
  edges: Record<string, string[]>;
  externalBases: Record<string, string[]>;
  cycle: boolean;
}

function oracle(c: Case): Expected {
  const manifestRepositories = new Set([...c.producers.keys()].map((k) => k.split(' ')[0]));
  for (const spec of c.project.images.values()) manifestRepositories.add(REPOSITORIES.find((r) => r.spellings.includes(spec.repository))!.id);
  const errors: string[] = [];
  const edges: Record<string, string[]> = {};
  const externalBases: Record<string, string[]> = {};
  for (const [name, spec] of c.project.images) {
    edges[name] = [];
    externalBases[name] = [];
    for (const ref of c.references.get(name)!) {
      const producer = ref.digest ? undefined : c.producers.get(`${ref.repository} ${ref.tag ?? 'latest'}`);
      const at = `/hunt/${name}/Dockerfile:${ref.line}:${ref.column}`;
      if (producer === name) errors.push(`${at} self`);
      else if (producer !== undefined) edges[name].push(`${producer} ${ref.kind} ${ref.text}`);
      else if (!ref.digest && manifestRepositories.has(ref.repository)) errors.push(`${at} unproduced`);
      else if (!externalBases[name].includes(ref.text)) externalBases[name].push(ref.text);
    }
    for (const dependency of spec.dependsOn) edges[name].push(`${dependency} depends_on -`);
  }
  return { errors: errors.sort(), edges, externalBases, cycle: hasCycle(edges) };
}

function hasCycle(edges: Record<string, string[]>): boolean {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string): boolean => {
    if (state.get(n) === 'done') return false;
    if (state.get(n) === 'visiting') return true;
    state.set(n, 'visiting');
    const found = (edges[n] ?? []).some((e) => visit(e.split(' ')[0]!));
    state.set(n, 'done');
    return found;
  };
  return Object.keys(edges).some(visit);
}

describe('edge rule hunt: resolveGraph against an independent oracle', () => {
  test('200 seeded random manifests of shared repositories, random tags and references', async () => {
    const tally = { edges: 0, self: 0, unproduced: 0, external: 0, cycles: 0, ok: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const c = generate(seed);
      const expected = oracle(c);
      const result = await resolveGraph(c.project, { readDockerfile: async (file) => c.dockerfiles.get(file)! });
      const context = `seed ${seed}:\n${[...c.dockerfiles].map(([f, t]) => `${f}\n${t}`).join('')}${[...c.project.images.values()].map((s) => `${s.name}: ${s.repository} [${s.tags.join(', ')}] depends_on [${s.dependsOn.join(', ')}]`).join('\n')}`;
      if (expected.errors.length > 0) {
        expect(result.ok, context).toBe(false);
        if (result.ok) continue;
        const got = result.error.map((d) => `${d.location?.file}:${d.location?.line}:${d.location?.column} ${/is its own base/.test(d.message) ? 'self' : /no image of the manifest produces/.test(d.message) ? 'unproduced' : d.message}`);
        expect(got.sort(), context).toEqual(expected.errors);
        expect(result.error.every((d) => d.kind === 'usage' && d.hint !== undefined), context).toBe(true);
        tally.self += expected.errors.filter((e) => e.endsWith('self')).length;
        tally.unproduced += expected.errors.filter((e) => e.endsWith('unproduced')).length;
        continue;
      }
      if (expected.cycle) {
        expect(result.ok, context).toBe(false);
        if (!result.ok) expect(result.error.every((d) => d.message.startsWith('dependency cycle')), context).toBe(true);
        tally.cycles++;
        continue;
      }
      expect(result.ok, context).toBe(true);
      if (!result.ok) continue;
      const { graph } = result.value;
      const edges = Object.fromEntries([...graph.nodes].map(([n, node]) => [n, node.edges.map((e) => `${e.dependency} ${e.kind} ${e.ref ?? '-'}`)]));
      expect(edges, context).toEqual(expected.edges);
      expect(Object.fromEntries([...graph.nodes].map(([n, node]) => [n, node.externalBases])), context).toEqual(expected.externalBases);
      // Dependencies first: every edge points backwards in the order.
      for (const node of graph.nodes.values()) {
        for (const dependency of node.dependencies) expect(graph.order.indexOf(dependency), context).toBeLessThan(graph.order.indexOf(node.spec.name));
      }
      tally.ok++;
      tally.edges += Object.values(expected.edges).flat().filter((e) => !e.includes(' depends_on ')).length;
      tally.external += Object.values(expected.externalBases).flat().length;
    }
    // The generator reaches every outcome often enough to mean something.
    expect(tally.ok).toBeGreaterThan(20);
    expect(tally.edges).toBeGreaterThan(20);
    expect(tally.self).toBeGreaterThan(10);
    expect(tally.unproduced).toBeGreaterThan(20);
    expect(tally.external).toBeGreaterThan(20);
    expect(tally.cycles).toBeGreaterThan(0);
  });
});
