import path from 'node:path';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import type { FieldLocations, GroupSpec, ImageSpec, Project } from '../model/project.js';
import type { ConfigValue, ImageConfig, ImageDefaultsConfig, KilnConfig } from './define-config.js';
import { interpolate } from './interpolate.js';
import type { VariableLookup } from './interpolate.js';
import { parsePlatform } from '../model/platform.js';
import { isValidRepository, isValidTag } from '../model/reference.js';
import type { DataPath, ManifestSource } from './source.js';

/** What normalization needs: the validated config, where it came from, and how to expand variables. */
export interface NormalizeOptions {
  config: KilnConfig;
  source: ManifestSource;
  /** Absolute folder of the manifest. */
  root: string;
  lookup: VariableLookup;
}

/** A normalized project and the problems met on the way (the project is usable for further checks). */
export interface Normalized {
  project: Project;
  problems: Diagnostic[];
}

/** Turns a validated config into a Project: defaults merged, variables expanded, paths absolute. */
export function normalizeProject(options: NormalizeOptions): Normalized {
  const { config, source, root } = options;
  const problems: Diagnostic[] = [];
  // Undefined when a variable is missing (already reported): callers keep going to find more problems.
  const expand = (dataPath: DataPath, value: string): string | undefined => {
    const result = interpolate(value, options.lookup);
    if (result.ok) return result.value;
    for (const problem of result.error) {
      const location = source.locateWithin(dataPath, problem.reference) ?? source.locate(dataPath);
      const origin = location === undefined ? source.origin?.(dataPath) : undefined;
      const message = origin === undefined ? problem.message : `${problem.message} (in ${origin})`;
      problems.push(diagnostic('usage', message, { location, ...(problem.hint ? { hint: problem.hint } : {}) }));
    }
    return undefined;
  };
  const name = (config.name === undefined ? undefined : expand(['name'], config.name)) ?? path.basename(root);
  const registry = config.registry === undefined ? undefined : (expand(['registry'], config.registry) ?? '').replace(/\/+$/, '') || undefined;
  const images = new Map<string, ImageSpec>();
  for (const [imageName, image] of Object.entries(config.images)) {
    const spec = normalizeImage({ imageName, image, defaults: config.defaults ?? {}, registry, root, source, expand });
    problems.push(...checkReferences(spec));
    problems.push(...checkPlatform(spec, source, image.platform !== undefined ? ['images', imageName, 'platform'] : ['defaults', 'platform']));
    images.set(imageName, spec);
  }
  const groups = new Map<string, GroupSpec>();
  for (const [groupName, members] of Object.entries(config.groups ?? {})) {
    groups.set(groupName, {
      name: groupName,
      members: [...members],
      location: at(source, ['groups', groupName], 'key'),
      memberLocations: members.map((_, index) => at(source, ['groups', groupName, index])),
    });
  }
  const project: Project = {
    name,
    root,
    file: source.file,
    registry,
    insecureRegistries: config.insecure_registries ?? [],
    allowOutsideRoot: config.allow_outside_root ?? false,
    images,
    groups,
  };
  return { project, problems };
}

interface ImageInput {
  imageName: string;
  image: ImageConfig;
  defaults: ImageDefaultsConfig;
  registry: string | undefined;
  root: string;
  source: ManifestSource;
  expand: (dataPath: DataPath, value: string) => string | undefined;
}

function normalizeImage(input: ImageInput): ImageSpec {
  const { imageName, image, defaults, source, expand } = input;
  const own: DataPath = ['images', imageName];
  const locations: FieldLocations & { image: SourceLocation } = { image: at(source, own, 'key') };
  const note = (field: string, dataPath: DataPath): void => {
    const location = source.locate(dataPath);
    if (location) locations[field] = location;
  };
  // A field the image sets wins; otherwise `defaults` supplies it.
  const pick = <K extends keyof ImageDefaultsConfig>(key: K, field: string): ImageDefaultsConfig[K] => {
    const fromImage = image[key] !== undefined;
    const value = fromImage ? image[key] : defaults[key];
    if (value !== undefined) note(field, fromImage ? [...own, key] : ['defaults', key]);
    return value;
  };
  const mergeMap = (key: 'args' | 'labels'): Record<string, string> => {
    const merged: Record<string, string> = {};
    const layers: [DataPath, Record<string, ConfigValue> | undefined][] = [
      [['defaults', key], defaults[key]],
      [[...own, key], image[key]],
    ];
    for (const [layerPath, layer] of layers) {
      if (layer === undefined) continue;
      note(key, layerPath);
      for (const [entryKey, value] of Object.entries(layer)) {
        merged[entryKey] = expand([...layerPath, entryKey], String(value)) ?? String(value);
        note(`${key}.${entryKey}`, [...layerPath, entryKey]);
      }
    }
    return merged;
  };

  note('context', [...own, 'context']);
  const context = path.resolve(input.root, image.context);
  if (image.dockerfile !== undefined) note('dockerfile', [...own, 'dockerfile']);
  const dockerfile = path.resolve(context, image.dockerfile ?? 'Dockerfile');
  const tagsFromImage = image.tags !== undefined;
  const writtenTags = pick('tags', 'tags');
  const rawTags = writtenTags ?? ['latest'];
  const tagsPath: DataPath = tagsFromImage ? [...own, 'tags'] : ['defaults', 'tags'];
  const tags: string[] = [];
  rawTags.forEach((raw, index) => {
    const tag = expand([...tagsPath, index], raw);
    if (tag === undefined || tags.includes(tag)) return;
    // The default `latest` is written nowhere: no location rather than the top of the file.
    if (writtenTags !== undefined) note(`tags.${tags.length}`, [...tagsPath, index]);
    tags.push(tag);
  });
  let repository: string;
  if (image.repository !== undefined) {
    note('repository', [...own, 'repository']);
    repository = expand([...own, 'repository'], image.repository) ?? imageName;
  } else if (input.registry !== undefined) {
    note('repository', ['registry']);
    repository = `${input.registry}/${imageName}`;
  } else {
    repository = imageName;
  }
  const dependsOn = image.depends_on ?? [];
  if (image.depends_on !== undefined) {
    note('dependsOn', [...own, 'depends_on']);
    dependsOn.forEach((_, index) => note(`dependsOn.${index}`, [...own, 'depends_on', index]));
  }
  const watch = pick('watch', 'watchIgnore');
  return {
    name: imageName,
    context,
    dockerfile,
    target: pick('target', 'target'),
    args: mergeMap('args'),
    labels: mergeMap('labels'),
    tags,
    tagTemplates: [...rawTags],
    repository,
    dependsOn: [...dependsOn],
    platform: pick('platform', 'platform'),
    builder: pick('builder', 'builder'),
    watchIgnore: [...(watch?.ignore ?? [])],
    locations,
  };
}

/** Tags and repository are only checkable once their variables are expanded. */
function checkReferences(spec: ImageSpec): Diagnostic[] {
  const problems: Diagnostic[] = [];
  spec.tags.forEach((tag, index) => {
    const location = spec.locations[`tags.${index}`];
    if (tag === '') {
      problems.push(
        diagnostic('usage', `tag of image "${spec.name}" is empty after interpolation`, {
          location,
          hint: 'give the variable a value, or a default: ${VAR:-dev}',
        }),
      );
    } else if (!isValidTag(tag)) {
      problems.push(
        diagnostic('usage', `invalid tag "${tag}" for image "${spec.name}"`, {
          location,
          hint: 'a tag is up to 128 letters, digits, "_", "." and "-", and does not start with "." or "-"',
        }),
      );
    }
  });
  if (!isValidRepository(spec.repository)) {
    problems.push(
      diagnostic('usage', `invalid repository "${spec.repository}" for image "${spec.name}"`, {
        location: spec.locations['repository'] ?? spec.locations.image,
        hint: 'a repository is lowercase path components ("acme/api") with an optional registry host first ("127.0.0.1:5000/acme/api")',
      }),
    );
  }
  return problems;
}

/**
 * `platform:` is one platform, as docker build --platform takes it for a single image (a comma
 * list would make BuildKit build several, and TARGETARCH would read "amd64,linux").
 */
function checkPlatform(spec: ImageSpec, source: ManifestSource, dataPath: DataPath): Diagnostic[] {
  const platform = spec.platform;
  if (platform === undefined || platform === '') return [];
  const location = spec.locations['platform'];
  const origin = location === undefined ? source.origin?.(dataPath) : undefined;
  const where = origin === undefined ? '' : ` (in ${origin})`;
  const list = platform.split(',').map((p) => p.trim());
  if (list.length > 1) {
    return [
      diagnostic('usage', `platform "${platform}" names ${list.length} platforms; an image is built for one${where}`, {
        location,
        hint: `give each platform its own image (platform: ${list[0]}, platform: ${list[1]}); multi-platform images (one index for several platforms) will get their own "platforms:" field`,
      }),
    ];
  }
  const parsed = parsePlatform(platform, { os: 'linux', architecture: 'amd64' });
  if (parsed.ok) return [];
  return [
    diagnostic('usage', `invalid platform ${parsed.error}${where}`, {
      location,
      hint: 'a platform is os/arch[/variant], as docker build --platform takes it: linux/amd64, linux/arm64, linux/arm/v7',
    }),
  ];
}

function at(source: ManifestSource, dataPath: DataPath, part: 'key' | 'value' = 'value'): SourceLocation {
  return source.locate(dataPath, part) ?? { file: source.file, line: 1, column: 1 };
}
