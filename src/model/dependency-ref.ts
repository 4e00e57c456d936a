// The temporary references dependents are built on: named here, where prune can recognise them too.

/** The tag prefix of the references dependents are built on (no content tag `kiln-<20 hex>` starts so). */
const TAG_PREFIX = 'kiln-dep-';

/**
 * The reference a dependent's Dockerfile is sent with for a dependency built as `id`:
 * `<repository>:kiln-dep-<the ID's 64 hex>`. It names exactly that image ID, so a tag moved by
 * another run or anyone else cannot change what a dependent builds on. It is derived from the ID
 * alone (not from the run), so the rewritten Dockerfile a `COPY .` may put into the image is the
 * same in every run that builds on that dependency.
 */
export function dependencyRef(repository: string, id: string): string {
  return `${repository}:${TAG_PREFIX}${id.replace(/^sha256:/, '')}`;
}

/** Whether `ref` is one of the temporary references {@link dependencyRef} makes. */
export function isDependencyRef(ref: string): boolean {
  return /:kiln-dep-[0-9a-f]{64}$/.test(ref);
}
