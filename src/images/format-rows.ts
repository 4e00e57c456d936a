// Go-template output for small listings other than images (`kiln search`), with docker/cli's rules:
// `table …` gets a header row and tab-aligned columns, `json` is one object a line.
import { diagnostic, KilnError } from '../diagnostics/diagnostic.js';
import { goJson } from './go-json.js';
import { tabwrite } from './tabwriter.js';
import { execute, executePartial, rootFields } from './template/execute.js';
import { headerFunctions, rowFunctions } from './template/functions.js';
import { parseTemplate } from './template/parse.js';
import { TemplateError } from './template/template-error.js';
import type { TemplateScope } from './template/value.js';

/** Formats rows of named string fields with `format` (`table`, `json`, `table …` or a template). */
export function formatRows(
  rows: readonly Record<string, string>[],
  options: { format?: string; defaultTable: string; headers: Readonly<Record<string, string>> },
): string {
  const source = options.format === undefined || options.format === '' || options.format === 'table' ? options.defaultTable : options.format;
  const table = source.startsWith('table');
  const text = (table ? source.slice('table'.length) : source === 'json' ? '{{json .}}' : source)
    .replace(/^ +| +$/g, '')
    .replace(/\\t|\\n/g, (m) => (m === '\\t' ? '\t' : '\n'));
  const fields = Object.keys(options.headers);
  const bad = (error: TemplateError) =>
    new KilnError(diagnostic('usage', `${error.message} (in --format '${source}')`, { hint: `Use one of the fields: ${fields.map((f) => `.${f}`).join(', ')}.` }));
  try {
    const nodes = parseTemplate(text, (name) => name in rowFunctions);
    for (const field of rootFields(nodes)) if (!fields.includes(field)) throw new TemplateError(`template: unknown field .${field}`, fields);
    const scope = (row: Record<string, string>): TemplateScope => ({
      typeName: 'row',
      field: (name) => row[name] ?? '',
      json: () => goJson(row, false),
    });
    const body = rows.map((row) => `${execute(nodes, scope(row), rowFunctions)}\n`).join('');
    if (!table) return body;
    const header = executePartial(nodes, { typeName: 'header', field: (name) => options.headers[name] ?? '', json: () => '' }, headerFunctions);
    return tabwrite(`${header}\n${body}`, { minWidth: 10, padding: 3 });
  } catch (error) {
    if (error instanceof TemplateError) throw bad(error);
    throw error;
  }
}
