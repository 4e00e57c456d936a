/** A template that cannot be parsed or executed; the caller turns it into a usage diagnostic. */
export class TemplateError extends Error {
  /** Valid field names, when the error is about an unknown field. */
  readonly fields: readonly string[] | undefined;
  constructor(message: string, fields?: readonly string[]) {
    super(message);
    this.name = 'TemplateError';
    this.fields = fields;
  }
}
