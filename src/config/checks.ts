import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { producedReferences, type ProducedReference } from '../model/produced.js';
import type { GroupSpec, ImageSpec, Project } from '../model/project.js';
import { didYouMean } from '../util/suggest.js';

/** The semantic checks the schema cannot express, each reported where the user wrote the culprit. */
export function checkProject(project: Project): Diagnostic[] {
  return [
    ...checkDependencies(project),
    ...checkGroups(project),
    ...checkAllPaths(project),
    ...checkDuplicateReferences(project),
  ];
}

function checkDependencies(project: Project): Diagnostic[] {
  const names = [...project.images.keys()];
  return [...project.images.values()].flatMap((image) =>
    image.dependsOn.flatMap((dependency, index) => {
      if (project.images.has(dependency)) return [];
      const location = image.locations[`dependsOn.${index}`];
      const suggestion = didYouMean(dependency, names);
      return [
        diagnostic('usage', `image "${image.name}" depends on unknown image "${dependency}"${suggestion}`, {
          location,
          ...(suggestion === '' ? { hint: `images: ${names.join(', ')}` } : {}),
        }),
      ];
    }),
  );
}

function checkGroups(project: Project): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const known = [...project.images.keys(), ...project.groups.keys()];
  for (const group of project.groups.values()) {
    const image = project.images.get(group.name);
    if (image) {
      problems.push(
        diagnostic('usage', `"${group.name}" is both an image and a group`, {
          location: group.location,
          hint: 'rename the group or the image; a name must select one thing',
          related: [{ message: `image "${group.name}" is defined here`, location: image.locations.image }],
        }),
      );
    }
    group.members.forEach((member, index) => {
      if (project.images.has(member) || project.groups.has(member)) return;
      problems.push(
        diagnostic('usage', `group "${group.name}" names unknown image or group "${member}"${didYouMean(member, known)}`, {
          location: group.memberLocations[index],
        }),
      );
    });
  }
  for (const cycle of groupCycles(project.groups)) {
    const [first] = cycle;
    if (!first) continue;
    problems.push(
      diagnostic('usage', `group "${first.group.name}" contains itself: ${[...cycle.map((step) => step.group.name), first.group.name].join(' → ')}`, {
        location: first.location,
        hint: 'remove one of the group references of the cycle',
        related: cycle.slice(1).map((step) => ({
          message: `group "${step.group.name}" includes "${step.member}"`,
          location: step.location,
        })),
      }),
    );
  }
  return problems;
}

interface CycleStep {
  group: GroupSpec;
  member: string;
  location: SourceLocation;
}

/** Each cycle of groups once, found by depth-first search in manifest order. */
function groupCycles(groups: ReadonlyMap<string, GroupSpec>): CycleStep[][] {
  const cycles: CycleStep[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: CycleStep[] = [];
  const visit = (group: GroupSpec): void => {
    state.set(group.name, 'visiting');
    group.members.forEach((member, index) => {
      const next = groups.get(member);
      if (!next) return;
      stack.push({ group, member, location: group.memberLocations[index] ?? group.location });
      const seen = state.get(member);
      if (seen === 'visiting') cycles.push(stack.slice(stack.findIndex((step) => step.group.name === member)));
      else if (seen === undefined) visit(next);
      stack.pop();
    });
    state.set(group.name, 'done');
  };
  for (const group of groups.values()) if (!state.has(group.name)) visit(group);
  return cycles;
}

/** The file system facts checkPaths needs, each asked once: images often share a context or a Dockerfile. */
interface FileFacts {
  isKind(file: string, kind: 'file' | 'directory'): boolean;
  realpath(file: string): string | undefined;
  root: string;
}

function checkAllPaths(project: Project): Diagnostic[] {
  const kinds = new Map<string, boolean>();
  const reals = new Map<string, string | undefined>();
  const facts: FileFacts = {
    isKind(file, kind) {
      const key = `${kind}:${file}`;
      let known = kinds.get(key);
      if (known === undefined) kinds.set(key, (known = isKind(file, kind)));
      return known;
    },
    realpath(file) {
      if (!reals.has(file)) reals.set(file, safeRealpath(file));
      return reals.get(file);
    },
    root: project.allowOutsideRoot ? project.root : realpathSync(project.root),
  };
  return [...project.images.values()].flatMap((image) => checkPaths(project, image, facts));
}

function checkPaths(project: Project, image: ImageSpec, facts: FileFacts): Diagnostic[] {
  const contextAt = image.locations['context'] ?? image.locations.image;
  const dockerfileAt = image.locations['dockerfile'] ?? contextAt;
  const shown = (file: string): string => path.relative(project.root, file) || '.';
  if (!facts.isKind(image.context, 'directory')) {
    return [
      diagnostic('usage', `context folder "${shown(image.context)}" of image "${image.name}" does not exist`, {
        location: contextAt,
        hint: 'the context is relative to the folder of the manifest',
      }),
    ];
  }
  const problems: Diagnostic[] = [];
  if (!facts.isKind(image.dockerfile, 'file')) {
    problems.push(
      diagnostic('usage', `Dockerfile "${shown(image.dockerfile)}" of image "${image.name}" not found`, {
        location: dockerfileAt,
        hint: image.locations['dockerfile']
          ? 'the dockerfile is relative to the context, as in docker and compose'
          : 'add a Dockerfile to the context, or set "dockerfile" (relative to the context)',
      }),
    );
  }
  if (project.allowOutsideRoot) return problems;
  const root = facts.root;
  for (const [what, file, location] of [
    ['context', image.context, contextAt],
    ['Dockerfile', image.dockerfile, dockerfileAt],
  ] as const) {
    const real = facts.realpath(file);
    if (real === undefined) continue;
    const relative = path.relative(root, real);
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      // A Dockerfile inside an outside context is the same problem: say it once.
      if (what === 'Dockerfile' && problems.some((problem) => problem.message.startsWith('context of'))) continue;
      problems.push(
        diagnostic('usage', `${what} of image "${image.name}" resolves outside the project root: ${real}`, {
          location,
          hint: 'set "allow_outside_root: true" in the manifest to allow it',
        }),
      );
    }
  }
  return problems;
}

function checkDuplicateReferences(project: Project): Diagnostic[] {
  // Compared as docker does: `acme/api:1` and `docker.io/acme/api:1` are one reference.
  const owners = new Map<string, ProducedReference>();
  const problems: Diagnostic[] = [];
  for (const produced of [...project.images.values()].flatMap(producedReferences)) {
    const owner = owners.get(produced.canonical);
    if (!owner) {
      owners.set(produced.canonical, produced);
      continue;
    }
    const { image } = produced;
    const otherAt = owner.image.locations[`tags.${owner.tagIndex}`] ?? owner.image.locations.image;
    problems.push(
      diagnostic('usage', `images "${owner.image.name}" and "${image.name}" both produce "${produced.ref}"`, {
        location: image.locations[`tags.${produced.tagIndex}`] ?? image.locations.image,
        hint: 'give one of them another repository or tag',
        related: [{ message: `image "${owner.image.name}" produces it here`, location: otherAt }],
      }),
    );
  }
  return problems;
}

function isKind(file: string, kind: 'file' | 'directory'): boolean {
  try {
    const stat = statSync(file);
    return kind === 'file' ? stat.isFile() : stat.isDirectory();
  } catch {
    return false;
  }
}

function safeRealpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
