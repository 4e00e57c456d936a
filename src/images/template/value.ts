import { TemplateError } from './template-error.js';

/** An object templates can take fields from: a row, or the header map. */
export interface TemplateScope {
  readonly typeName: string;
  /** The field's value; throws TemplateError for an unknown field, or returns undefined (`<no value>`) for maps. */
  field(name: string): TemplateValue;
  /** `{{json .}}` of the whole object. */
  json(): string;
}

/** What template expressions evaluate to. `undefined` is Go's invalid value, printed `<no value>`. */
export type TemplateValue = string | number | boolean | null | undefined | TemplateValue[] | TemplateScope;

/** Go's fmt `%v` of a value. */
export function printValue(v: TemplateValue): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  if (typeof v === 'object') throw new TemplateError(`template: cannot print a whole ${v.typeName}; use {{json .}} or a field`);
  return String(v);
}
