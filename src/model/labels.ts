/** Labels kiln puts on every image it builds; `ls` and `prune` act only on images carrying them. */
export const KilnLabel = {
  /** The image's name in the manifest. */
  image: 'dev.kiln.image',
  /** The cache key the image was built from. */
  key: 'dev.kiln.key',
  /** The project (manifest `name`). */
  project: 'dev.kiln.project',
  /**
   * The repository the image was built for (manifest `repository`). With the project name it scopes
   * prune: two projects whose names collide still name different repositories, and untagged builds
   * keep it when their tags are gone.
   */
  repository: 'dev.kiln.repository',
} as const;
