// `docker images` output, byte for byte as docker CLI 28.2.2 prints it (docker/cli
// cli/command/formatter/{formatter.go,image.go}), from the engine's image list.
import type { ImageSummary } from '../engine/engine.js';
import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';
import { goJson } from './go-json.js';
import { goTimeString, humanDuration, humanSize, humanSizeWithPrecision } from './go-format.js';
import { imageRows, type ImageRow } from './image-rows.js';
import { tabwrite } from './tabwriter.js';
import { execute, executePartial, rootFields } from './template/execute.js';
import { headerFunctions, rowFunctions } from './template/functions.js';
import { parseTemplate, type TemplateNode } from './template/parse.js';
import { TemplateError } from './template/template-error.js';
import type { TemplateScope } from './template/value.js';

/** kiln's own fields, available as `{{.Image}}`, `{{.Key}}`, `{{.Current}}` (never in `{{json .}}`). */
export type KilnImageFields = Partial<Record<'Image' | 'Key' | 'Current', string>>;

/** Options of formatImages, named after the `docker images` flags. */
export interface FormatImagesOptions {
  /** `table`, `json`, `raw`, `table …` or a Go template. Default `table`. */
  format?: string;
  /** `-q`: IDs only (with the default table format). */
  quiet?: boolean;
  /** `--digests`. */
  digests?: boolean;
  /** `--no-trunc`: full `sha256:` IDs. */
  noTrunc?: boolean;
  /** The clock for `.CreatedSince`. Default: now. */
  now?: Date;
  /** kiln fields of an image. */
  extra?: (image: ImageSummary) => KilnImageFields;
  /** IANA zone for `.CreatedAt` (added option). Default: the process's local zone, as the CLI uses. */
  timeZone?: string;
}

const defaultTable =
  'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
const defaultTableWithDigest =
  'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';

const headers: Readonly<Record<string, string>> = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
  Image: 'IMAGE',
  Key: 'KEY',
  Current: 'CURRENT',
};

/** Every field a format may name. */
export const imageFields: readonly string[] = Object.keys(headers);

/** docker/cli `NewImageFormat`: the effective format for the flags. */
function imageFormat(source: string, quiet: boolean, digests: boolean): string {
  if (source === 'table') return quiet ? '{{.ID}}' : digests ? defaultTableWithDigest : defaultTable;
  if (source === 'raw') {
    if (quiet) return 'image_id: {{.ID}}';
    const digest = digests ? 'digest: {{.Digest}}\n' : '';
    return `repository: {{ .Repository }}\ntag: {{.Tag}}\n${digest}image_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n`;
  }
  if (source.startsWith('table') && digests && !source.includes('{{.Digest}}')) return `${source}\t{{.Digest}}`;
  return source;
}

/** docker/cli `Context.preFormat`: strip `table`, expand `json`, trim spaces, turn literal `\t` `\n` into characters. */
function templateText(format: string): string {
  const text = format.startsWith('table') ? format.slice('table'.length) : format === 'json' ? '{{json .}}' : format;
  return text.replace(/^ +| +$/g, '').replace(/\\t|\\n/g, (m) => (m === '\\t' ? '\t' : '\n'));
}

function usageError(error: TemplateError, format: string): KilnError {
  if (error.fields !== undefined) {
    return new KilnError(
      diagnostic('usage', `${error.message} (in --format '${format}')`, {
        hint: `Use one of the image fields: ${error.fields.map((f) => `.${f}`).join(', ')}.`,
      }),
    );
  }
  return new KilnError(
    diagnostic('usage', `template parsing error: ${error.message}`, {
      hint: 'Check the --format template; see https://docs.docker.com/go/formatting/.',
    }),
  );
}

/** Parses the template and checks every field it reads from a row. */
function compile(text: string, format: string): TemplateNode[] {
  try {
    const nodes = parseTemplate(text, (name) => name in rowFunctions);
    for (const field of rootFields(nodes)) {
      if (!(field in headers)) throw new TemplateError(`template: unknown field .${field}`, imageFields);
    }
    return nodes;
  } catch (error) {
    if (error instanceof TemplateError) throw usageError(error, format);
    throw error;
  }
}

function rowScope(row: ImageRow, options: FormatImagesOptions, now: Date): TemplateScope {
  const image = row.image;
  const kiln = options.extra?.(image) ?? {};
  const id = options.noTrunc ? image.Id : image.Id.slice(image.Id.indexOf(':') + 1).slice(0, 12);
  const docker: Record<string, () => string> = {
    Containers: () => (image.Containers === -1 ? 'N/A' : String(image.Containers)),
    CreatedAt: () => goTimeString(image.Created, options.timeZone),
    CreatedSince: () => `${humanDuration(now.getTime() - image.Created * 1000)} ago`,
    Digest: () => row.digest,
    ID: () => id,
    Repository: () => row.repository,
    SharedSize: () => (image.SharedSize === -1 ? 'N/A' : humanSize(image.SharedSize)),
    Size: () => humanSizeWithPrecision(image.Size, 3),
    Tag: () => row.tag,
    UniqueSize: () => (image.Size === -1 || image.SharedSize === -1 ? 'N/A' : humanSize(image.Size - image.SharedSize)),
    // Deprecated in docker and equal to Size, but still printed with HumanSize's precision 4.
    VirtualSize: () => humanSize(image.Size),
  };
  return {
    typeName: '*formatter.imageContext',
    field(name) {
      const value = docker[name]?.() ?? (name in headers ? (kiln[name as keyof KilnImageFields] ?? '') : undefined);
      if (value === undefined) throw new TemplateError(`template: unknown field .${name}`, imageFields);
      return value;
    },
    // docker marshals the row through a map with json.Marshal: sorted keys, HTML escaped. kiln fields stay out.
    json: () => goJson(Object.fromEntries(Object.entries(docker).map(([k, f]) => [k, f()])), true),
  };
}

const headerScope: TemplateScope = {
  typeName: 'formatter.SubHeaderContext',
  field: (name) => headers[name],
  json: () => '',
};

/** Renders images exactly as `docker images` with the same flags prints them; throws a usage KilnError for a bad format. */
export function formatImages(images: readonly ImageSummary[], options: FormatImagesOptions = {}): string {
  const digests = options.digests ?? false;
  const format = imageFormat(options.format || 'table', options.quiet ?? false, digests);
  const nodes = compile(templateText(format), options.format ?? format);
  const now = options.now ?? new Date();
  const needDigest = digests || format.includes('{{.Digest}}');
  let body = '';
  try {
    for (const image of images) {
      for (const row of imageRows(image, { needDigest, showDigests: digests })) {
        body += `${execute(nodes, rowScope(row, options, now), rowFunctions)}\n`;
      }
    }
  } catch (error) {
    if (error instanceof TemplateError) throw usageError(error, options.format ?? format);
    throw error;
  }
  if (!format.startsWith('table')) return body;
  // docker ignores errors in the header row and keeps what was written before them.
  const header = executePartial(nodes, headerScope, headerFunctions);
  return tabwrite(`${header}\n${body}`, { minWidth: 10, padding: 3 });
}
