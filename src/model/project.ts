import type { SourceLocation } from '../diagnostics/diagnostic.js';

/** Which engine builder runs an image's Dockerfile. */
export type BuilderKind = 'buildkit' | 'classic';

/** Where each user-written field of an image came from, for diagnostics. Keys are field names. */
export type FieldLocations = Partial<Record<string, SourceLocation>>;

/** One image of the manifest, normalized: paths absolute, defaults merged, variables interpolated. */
export interface ImageSpec {
  /** The image's key in the manifest's `images` map. */
  name: string;
  /** Absolute path of the build context. */
  context: string;
  /** Absolute path of the Dockerfile (relative to the context in the manifest, as in docker). */
  dockerfile: string;
  /** The stage to build, if not the last. */
  target?: string;
  args: Record<string, string>;
  labels: Record<string, string>;
  /** Tags without the repository (`latest`, `1.2.0`). */
  tags: string[];
  /** The tags as written, before interpolation (`${GIT_SHA_SHORT}`): patterns for `reconcile --prune`. */
  tagTemplates?: string[];
  /** Repository without a tag (`127.0.0.1:5000/acme/api`). */
  repository: string;
  /** Explicit dependencies (manifest image names). Inferred ones are added by the planner. */
  dependsOn: string[];
  /** `os/arch[/variant]`. */
  platform?: string;
  /** Builder requested for this image; undefined lets the engine decide (BuildKit where it has it). */
  builder?: BuilderKind;
  /** Globs (relative to the context) whose changes never trigger a rebuild in watch mode. */
  watchIgnore: string[];
  /** Where the image and each of its fields were written. `image` is the key itself. */
  locations: FieldLocations & { image: SourceLocation };
}

/** A named set of images and groups. */
export interface GroupSpec {
  name: string;
  members: string[];
  location: SourceLocation;
  /** Location of each member entry, same order as members. */
  memberLocations: SourceLocation[];
}

/** The whole manifest after loading, validation and normalization. */
export interface Project {
  /** Project name: manifest `name`, else the manifest folder's name. Scopes labels and prune. */
  name: string;
  /** Absolute folder holding the manifest: paths are relative to it. */
  root: string;
  /** Absolute path of the manifest file (images.yaml or kiln.config.ts). */
  file: string;
  /** Default repository prefix. */
  registry?: string;
  /** Registries reached over plain http even when not on loopback. */
  insecureRegistries: string[];
  /** Whether contexts and Dockerfiles may resolve outside the project root. */
  allowOutsideRoot: boolean;
  /** Images by name, in manifest order. */
  images: Map<string, ImageSpec>;
  groups: Map<string, GroupSpec>;
}
