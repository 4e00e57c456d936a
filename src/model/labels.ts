/** Labels kiln puts on every image it builds; `ls` and `prune` act only on images carrying them. */
export const KilnLabel = {
  /** The image's name in the manifest. */
  image: 'dev.kiln.image',
  /** The cache key the image was built from. */
  key: 'dev.kiln.key',
  /** The project (manifest `name`). */
  project: 'dev.kiln.project',
} as const;
