import { relative } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Project } from '../model/project.js';
import { fail, ok, type Result } from '../util/result.js';
import { closest } from '../util/suggest.js';

/**
 * The selection: the named images, the members of the named groups (recursively), and every image
 * they depend on. No names selects every image.
 */
export function selectImages(
  project: Project,
  nodes: ReadonlyMap<string, { dependencies: string[] }>,
  names: string[],
): Result<Set<string>, Diagnostic[]> {
  if (names.length === 0) return ok(new Set(project.images.keys()));
  const problems: Diagnostic[] = [];
  const roots = new Set<string>();
  const expand = (name: string, seen: Set<string>): void => {
    if (project.images.has(name)) {
      roots.add(name);
      return;
    }
    const group = project.groups.get(name);
    if (group === undefined) {
      const known = [...project.images.keys(), ...project.groups.keys()];
      const suggestion = closest(name, known);
      problems.push({
        kind: 'usage',
        message: `"${name}" is neither an image nor a group of ${relative(project.root, project.file)}`,
        hint: suggestion ? `did you mean "${suggestion}"?` : `known: ${known.join(', ')}`,
      });
      return;
    }
    if (seen.has(name)) return;
    seen.add(name);
    for (const member of group.members) expand(member, seen);
  };
  for (const name of names) expand(name, new Set());
  if (problems.length > 0) return fail(problems);

  const selected = new Set<string>();
  const visit = (name: string): void => {
    if (selected.has(name)) return;
    selected.add(name);
    for (const d of nodes.get(name)?.dependencies ?? []) visit(d);
  };
  for (const r of roots) visit(r);
  return ok(selected);
}
