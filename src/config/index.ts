/** Configuration loading: find the manifest, load it (YAML or TS), validate, interpolate, normalize. */
export { findManifest } from './find-manifest.js';
export { loadProject } from './load-project.js';
export type { LoadProjectOptions } from './load-project.js';
export { defineConfig } from './define-config.js';
export type { ConfigContext, ImageConfig, ImageDefaultsConfig, KilnConfig, KilnConfigExport } from './define-config.js';
export { manifestSchemaPath } from './schema.js';
