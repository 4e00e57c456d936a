// Rows of `docker images`: one image can give several rows (one per repository and tag, and per
// digest when digests are shown), following docker/cli's formatter/image.go `imageFormat`.
import type { ImageSummary } from '../engine/engine.js';
import { parseReference } from './reference.js';

/** One output row: an image under one repository/tag/digest. */
export interface ImageRow {
  image: ImageSummary;
  repository: string;
  tag: string;
  /** `sha256:…`, `<none>`, or `""` for a digest-only repository when digests are not shown. */
  digest: string;
}

/** Whether docker calls the image dangling: no references at all (or API < 1.43's `<none>` placeholders). */
export function isDangling(image: ImageSummary): boolean {
  const tags = image.RepoTags ?? [];
  const digests = image.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>';
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The rows of one image. `needDigest`: digests are displayed (`--digests`, or the format names `{{.Digest}}`);
 * `showDigests`: the `--digests` flag itself, which decides rows for digest-only repositories.
 * Repositories come in first-seen order; docker's order between repositories of one image is random.
 */
export function imageRows(image: ImageSummary, options: { needDigest: boolean; showDigests: boolean }): ImageRow[] {
  if (isDangling(image)) return [{ image, repository: '<none>', tag: '<none>', digest: '<none>' }];
  const repoTags = new Map<string, string[]>();
  const repoDigests = new Map<string, string[]>();
  for (const ref of image.RepoTags ?? []) {
    const parsed = parseReference(ref);
    if (parsed?.tag !== undefined) push(repoTags, parsed.familiar, parsed.tag);
  }
  for (const ref of image.RepoDigests ?? []) {
    const parsed = parseReference(ref);
    if (parsed?.digest !== undefined) push(repoDigests, parsed.familiar, parsed.digest);
  }
  const rows: ImageRow[] = [];
  for (const [repository, tags] of repoTags) {
    const digests = options.needDigest ? (repoDigests.get(repository) ?? []) : [];
    repoDigests.delete(repository);
    for (const tag of tags) {
      if (digests.length === 0) rows.push({ image, repository, tag, digest: '<none>' });
      for (const digest of digests) rows.push({ image, repository, tag, digest });
    }
  }
  for (const [repository, digests] of repoDigests) {
    if (options.showDigests) for (const digest of digests) rows.push({ image, repository, tag: '<none>', digest });
    else rows.push({ image, repository, tag: '<none>', digest: '' });
  }
  return rows;
}
