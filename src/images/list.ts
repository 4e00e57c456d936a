// Listing the images `kiln ls` shows: this project's kiln-built images, or every image.
import type { Engine, ImageFilters, ImageSummary } from '../engine/engine.js';
import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';
import { KilnLabel } from '../model/labels.js';

/** Filter keys the engine's image list accepts (API 1.41). */
export const imageFilterKeys = ['dangling', 'label', 'reference', 'before', 'since'] as const;

/** Parses repeated `--filter key=value` flags into engine filters; throws a usage KilnError for a bad one. */
export function parseFilterFlags(flags: readonly string[]): ImageFilters {
  const filters: ImageFilters = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = (eq < 0 ? flag : flag.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : flag.slice(eq + 1);
    if (eq < 0 || value === '') {
      throw new KilnError(diagnostic('usage', `bad format of filter (expected name=value): "${flag}"`, { hint: 'Write --filter key=value, e.g. --filter dangling=true.' }));
    }
    (filters[key] ??= []).push(value);
  }
  checkFilters(filters);
  return filters;
}

function checkFilters(filters: ImageFilters): void {
  for (const [key, values] of Object.entries(filters)) {
    if (!(imageFilterKeys as readonly string[]).includes(key)) {
      throw new KilnError(diagnostic('usage', `invalid filter '${key}'`, { hint: `Valid filters: ${imageFilterKeys.join(', ')}.` }));
    }
    if (key === 'dangling' && values.some((v) => v !== 'true' && v !== 'false')) {
      throw new KilnError(diagnostic('usage', `invalid filter 'dangling=${values.join(',')}'`, { hint: 'Use dangling=true or dangling=false.' }));
    }
  }
}

/** What to list. */
export interface ListKilnImagesOptions {
  /** The project name (labels scope the list to it). */
  project: string;
  /** Every image of the engine, not only this project's kiln images. */
  all?: boolean;
  /** The engine's `all=1`: also untagged intermediate images of the classic builder. */
  intermediate?: boolean;
  /** User filters, passed through to the engine (`dangling`, `label`, `reference`, `before`, `since`). */
  filters?: ImageFilters;
  signal?: AbortSignal;
}

/** Lists this project's kiln images (label `dev.kiln.project=<project>`), or all images, in the engine's order. */
export async function listKilnImages(engine: Engine, options: ListKilnImagesOptions): Promise<ImageSummary[]> {
  const filters: ImageFilters = {};
  for (const [key, values] of Object.entries(options.filters ?? {})) filters[key] = [...values];
  checkFilters(filters);
  if (!options.all) filters.label = [...(filters.label ?? []), `${KilnLabel.project}=${options.project}`];
  return engine.listImages({ all: options.intermediate ?? false, filters }, options.signal);
}

/** kiln's fields of a listed image for formatImages: manifest image, key, and whether it is the current build. */
export function kilnFields(currentKeys: ReadonlyMap<string, string>): (image: ImageSummary) => Record<'Image' | 'Key' | 'Current', string> {
  return (image) => {
    const name = image.Labels?.[KilnLabel.image] ?? '';
    const key = image.Labels?.[KilnLabel.key] ?? '';
    const current = name !== '' && key !== '' && currentKeys.get(name) === key;
    return { Image: name, Key: key, Current: current ? 'true' : 'false' };
  };
}
