import { isContentTag } from '../push/content-tag.js';
import { matchesTagTemplates } from './tag-patterns.js';

/** Where the manifest of an image's current key was found. */
export type KeyLocation =
  /** The content tag is in the image's own repository: every tag is a manifest PUT away. */
  | { kind: 'registry'; digest: string }
  /** Another repository of the same registry has it: mount its blobs, PUT the manifest. */
  | { kind: 'other-repository'; repository: string; digest: string }
  /** Only the local engine has it: push. */
  | { kind: 'local'; id: string }
  /** Nobody has it: build, then push. */
  | { kind: 'nowhere' };

/** What a tag needs: nothing, to be created, to move to another manifest, or nothing the manifest wants. */
export type TagAction = 'ok' | 'create' | 'move' | 'extra';

/** One tag of the plan. */
export interface TagPlan {
  tag: string;
  action: TagAction;
  /**
   * The digest the registry has for the tag now. null for an `extra` tag whose digest was not read
   * (only `--prune` reads them: no decision needs it).
   */
  current?: string | null;
  /** The digest the tag should have; unknown (undefined) until the key is pushed. */
  wanted?: string;
  /** The content tag `kiln-<key>`. */
  content?: true;
  /** For `extra`: whether `--prune` deletes it (it matches one of the image's tag patterns). */
  prunable?: boolean;
}

/** The plan of one image: where its key is, and what each tag of its repository needs. */
export interface ImagePlan {
  image: string;
  repository: string;
  key: string;
  contentTag: string;
  keyLocation: KeyLocation;
  tags: TagPlan[];
}

/** What planning one image needs: what the manifest wants and what the registry has. */
export interface PlanInput {
  image: string;
  repository: string;
  key: string;
  contentTag: string;
  /** Manifest tags (interpolated). */
  tags: readonly string[];
  /** Manifest tag templates, for prune patterns. */
  templates: readonly string[];
  keyLocation: KeyLocation;
  /** Every tag of the repository and its digest; null where it was not read (extras without --prune). */
  actual: ReadonlyMap<string, string | null>;
  /** Tags other selected images of the same repository want: never extra. */
  claimedElsewhere?: ReadonlySet<string>;
}

/** Compares desired and actual tags of one image's repository. Pure. */
export function planImage(input: PlanInput): ImagePlan {
  const { keyLocation, actual } = input;
  const wanted = keyLocation.kind === 'registry' || keyLocation.kind === 'other-repository' ? keyLocation.digest : undefined;
  const desired = [...new Set([...input.tags, input.contentTag])];
  const tags: TagPlan[] = desired.map((tag) => {
    // A wanted tag's digest is always read; were it not (null), a retag is the safe answer.
    const current = actual.get(tag);
    const action: TagAction = current === undefined ? 'create' : wanted !== undefined && current === wanted ? 'ok' : 'move';
    return {
      tag,
      action,
      ...(current !== undefined ? { current } : {}),
      ...(wanted !== undefined ? { wanted } : {}),
      ...(tag === input.contentTag ? { content: true as const } : {}),
    };
  });
  for (const [tag, current] of [...actual].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (desired.includes(tag) || input.claimedElsewhere?.has(tag)) continue;
    // Content tags of other keys are the registry's build cache: never pruned.
    const prunable = !isContentTag(tag) && matchesTagTemplates(tag, input.templates);
    tags.push({ tag, action: 'extra', current, prunable });
  }
  return { image: input.image, repository: input.repository, key: input.key, contentTag: input.contentTag, keyLocation, tags };
}

/** Whether applying the plan (with or without prune) would change nothing. */
export function isSettled(plan: readonly ImagePlan[], prune: boolean): boolean {
  return plan.every((p) => p.tags.every((t) => t.action === 'ok' || (t.action === 'extra' && !(prune && t.prunable))));
}
