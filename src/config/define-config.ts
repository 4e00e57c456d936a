import type { GitInfo } from './git-info.js';

/** A build argument or label value; numbers and booleans are turned into strings. */
export type ConfigValue = string | number | boolean;

/** Watch-mode settings of an image. */
export interface WatchConfig {
  /** Globs, relative to the context, whose changes never trigger a rebuild. */
  ignore?: string[];
}

/** Fields `defaults` may set for every image. */
export interface ImageDefaultsConfig {
  /** The stage to build. */
  target?: string;
  /** Build arguments, merged key by key (the image wins). */
  args?: Record<string, ConfigValue>;
  /** Labels, merged key by key (the image wins). */
  labels?: Record<string, ConfigValue>;
  /** Tags without the repository; `${VAR}` and `${VAR:-default}` are interpolated. Default: ['latest']. */
  tags?: string[];
  /** `os/arch[/variant]`. */
  platform?: string;
  /** The engine's builder. */
  builder?: 'buildkit' | 'classic';
  /** Watch-mode settings. */
  watch?: WatchConfig;
}

/** One image of a config (snake_case keys, as in images.yaml). */
export interface ImageConfig extends ImageDefaultsConfig {
  /** Build context folder, relative to the config file. */
  context: string;
  /** Dockerfile, relative to the context. Default: `Dockerfile`. */
  dockerfile?: string;
  /** Repository without a tag. Default: `<registry>/<name>`, or `<name>`. */
  repository?: string;
  /** Images built before this one. */
  depends_on?: string[];
}

/** A kiln manifest, the shape of images.yaml and of a kiln.config.ts default export. Mirrors schemas/images.schema.json. */
export interface KilnConfig {
  /** Manifest format version. */
  version: 1;
  /** Project name. Default: the config folder's name. */
  name?: string;
  /** Default repository prefix. */
  registry?: string;
  /** Registries reached over plain HTTP. */
  insecure_registries?: string[];
  /** Allow contexts and Dockerfiles outside the config's folder. */
  allow_outside_root?: boolean;
  /** Fields merged into every image. */
  defaults?: ImageDefaultsConfig;
  /** The images, by name. */
  images: Record<string, ImageConfig>;
  /** Named sets of images and groups. */
  groups?: Record<string, string[]>;
}

/** What a config function receives. */
export interface ConfigContext {
  /** The environment kiln runs in. */
  env: NodeJS.ProcessEnv;
  /** The config folder's git facts; empty strings outside a git repository. */
  git: GitInfo;
  /** Absolute folder holding the config. */
  root: string;
}

/** A config, or a function computing one. */
export type KilnConfigExport = KilnConfig | ((context: ConfigContext) => KilnConfig | Promise<KilnConfig>);

/** Types a kiln.config.ts default export; returns its argument unchanged. */
export function defineConfig<T extends KilnConfigExport>(config: T): T {
  return config;
}
