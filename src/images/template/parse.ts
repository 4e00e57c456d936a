// A parser for the subset of Go's text/template that docker `--format` strings use.
// Hand-written: no maintained JS library implements Go templates faithfully (trim markers,
// pipelines, Go's truthiness and printing rules), and byte-for-byte output depends on them.
import { TemplateError } from './template-error.js';

/** An operand of a command. */
export type Arg =
  | { kind: 'dot' }
  | { kind: 'field'; path: string[]; receiver?: Arg }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'function'; name: string }
  | { kind: 'pipe'; pipe: Pipeline };

/** One command of a pipeline: a function with arguments, or a single operand. */
export type Command = Arg[];
/** Commands joined by `|`; each result is passed as the last argument of the next. */
export type Pipeline = Command[];

/** A node of the parsed template. */
export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with' | 'range'; pipe: Pipeline; body: TemplateNode[]; otherwise: TemplateNode[] };

const spaceChars = ' \t\r\n';

interface RawAction {
  body: string;
  position: number;
}

/** Splits the template into text and action bodies, applying `{{-` / `-}}` trimming and dropping comments. */
function scan(source: string): (string | RawAction)[] {
  const parts: (string | RawAction)[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open < 0) {
      parts.push(source.slice(pos));
      break;
    }
    let text = source.slice(pos, open);
    let start = open + 2;
    if (source[start] === '-' && spaceChars.includes(source[start + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 2;
    }
    if (text) parts.push(text);
    const close = findClose(source, start);
    if (close < 0) throw new TemplateError(`template: :${lineOf(source, open)}: unclosed action`);
    let end = close;
    let next = close + 2;
    if (source[close - 1] === '-' && spaceChars.includes(source[close - 2] ?? '')) {
      end = close - 2;
      while (next < source.length && spaceChars.includes(source[next] ?? '')) next++;
    }
    const body = source.slice(start, end).trim();
    if (!(body.startsWith('/*') && body.endsWith('*/'))) parts.push({ body, position: open });
    pos = next;
  }
  return parts;
}

/** Index of the `}}` closing an action, skipping quoted strings. */
function findClose(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"' || ch === '`' || ch === "'") {
      const quote = ch;
      i++;
      while (i < source.length && source[i] !== quote) i += source[i] === '\\' && quote !== '`' ? 2 : 1;
    } else if (ch === '}' && source[i + 1] === '}') {
      return i;
    }
    i++;
  }
  return -1;
}

function lineOf(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}

type Token = { t: 'word' | 'field' | 'string' | 'number' | 'pipe' | 'open' | 'close'; v: string };

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|(\|)|(\()|(\))|("(?:[^"\\]|\\.)*")|(`[^`]*`)|('(?:[^'\\]|\\.)*')|((?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)|([-+]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+))|([A-Za-z_][A-Za-z0-9_]*)|(\S)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    if (m[1]) tokens.push({ t: 'pipe', v: '|' });
    else if (m[2]) tokens.push({ t: 'open', v: '(' });
    else if (m[3]) tokens.push({ t: 'close', v: ')' });
    else if (m[4]) tokens.push({ t: 'string', v: JSON.parse(m[4].replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string });
    else if (m[5]) tokens.push({ t: 'string', v: m[5].slice(1, -1) });
    else if (m[6]) tokens.push({ t: 'number', v: String(JSON.parse(`"${m[6].slice(1, -1)}"`).codePointAt(0)) });
    else if (m[7]) tokens.push({ t: 'field', v: m[7] });
    else if (m[8]) tokens.push({ t: 'number', v: m[8].replace(/_/g, '') });
    else if (m[9]) tokens.push({ t: 'word', v: m[9] });
    else if (m[10]) {
      const hint = m[10] === '$' ? ' (template variables are not supported)' : '';
      throw new TemplateError(`template: unexpected "${m[10]}" in command${hint}`);
    }
    if (re.lastIndex >= body.length) break;
  }
  return tokens;
}

/** Parses a pipeline from tokens; `isFunction` decides which bare words name functions. */
function parsePipeline(tokens: Token[], isFunction: (name: string) => boolean): Pipeline {
  let i = 0;
  const pipeline = (): Pipeline => {
    const commands: Pipeline = [];
    let command: Command = [];
    while (i < tokens.length) {
      const tok = tokens[i++] as Token;
      switch (tok.t) {
        case 'pipe':
          if (command.length === 0) throw new TemplateError('template: missing value for command');
          commands.push(command);
          command = [];
          break;
        case 'open': {
          const inner = pipeline();
          if (tokens[i - 1]?.t !== 'close') throw new TemplateError('template: unclosed left paren');
          command.push(fieldsAfter({ kind: 'pipe', pipe: inner }));
          break;
        }
        case 'close':
          if (command.length) commands.push(command);
          return commands;
        case 'string':
          command.push({ kind: 'string', value: tok.v });
          break;
        case 'number': {
          const value = Number(tok.v);
          if (Number.isNaN(value)) throw new TemplateError(`template: bad number syntax: "${tok.v}"`);
          command.push({ kind: 'number', value });
          break;
        }
        case 'field':
          command.push(tok.v === '.' ? { kind: 'dot' } : { kind: 'field', path: tok.v.slice(1).split('.') });
          break;
        case 'word':
          if (tok.v === 'true' || tok.v === 'false') command.push({ kind: 'bool', value: tok.v === 'true' });
          else if (tok.v === 'nil') command.push({ kind: 'nil' });
          else if (isFunction(tok.v)) command.push({ kind: 'function', name: tok.v });
          else throw new TemplateError(`template: function "${tok.v}" not defined`);
          break;
      }
    }
    if (command.length) commands.push(command);
    return commands;
  };
  // `(pipe).Field` chains a field onto a parenthesized result.
  const fieldsAfter = (arg: Arg): Arg => {
    const next = tokens[i];
    if (next?.t === 'field' && next.v !== '.') {
      i++;
      return { kind: 'field', path: next.v.slice(1).split('.'), receiver: arg };
    }
    return arg;
  };
  const result = pipeline();
  if (i < tokens.length) throw new TemplateError('template: unexpected ")" in operand');
  if (result.length === 0) throw new TemplateError('template: missing value for command');
  return result;
}

/** Parses a Go template into nodes. Throws TemplateError with Go's wording where it has one. */
export function parseTemplate(source: string, isFunction: (name: string) => boolean): TemplateNode[] {
  const parts = scan(source);
  let index = 0;
  // Parses nodes until `{{end}}` / `{{else}}`; returns which keyword stopped it.
  const parseList = (inside: string | undefined): { nodes: TemplateNode[]; stop: 'end' | 'else' | 'eof'; elseRest?: string } => {
    const nodes: TemplateNode[] = [];
    while (index < parts.length) {
      const part = parts[index++] as string | RawAction;
      if (typeof part === 'string') {
        nodes.push({ kind: 'text', text: part });
        continue;
      }
      const [keyword = '', ...restWords] = part.body.split(/\s+/);
      const rest = part.body.slice(keyword.length).trim();
      if (keyword === 'end' || keyword === 'else') {
        if (inside === undefined) throw new TemplateError(`template: :${lineOf(source, part.position)}: unexpected {{${keyword}}}`);
        return keyword === 'end' ? { nodes, stop: 'end' } : { nodes, stop: 'else', elseRest: rest };
      }
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
        nodes.push(parseBlock(keyword, rest));
      } else if (['define', 'template', 'block', 'break', 'continue'].includes(keyword) && restWords.length >= 0) {
        throw new TemplateError(`template: {{${keyword}}} is not supported in kiln formats`);
      } else {
        if (part.body === '') throw new TemplateError('template: missing value for command');
        nodes.push({ kind: 'action', pipe: parsePipeline(tokenize(part.body), isFunction) });
      }
    }
    if (inside !== undefined) throw new TemplateError(`template: unexpected EOF in {{${inside}}}`);
    return { nodes, stop: 'eof' };
  };
  const parseBlock = (keyword: 'if' | 'with' | 'range', rest: string): TemplateNode => {
    if (rest === '') throw new TemplateError(`template: missing value for ${keyword}`);
    const pipe = parsePipeline(tokenize(rest), isFunction);
    const body = parseList(keyword);
    let otherwise: TemplateNode[] = [];
    if (body.stop === 'else') {
      const elseRest = body.elseRest ?? '';
      if (elseRest.startsWith('if ') && keyword === 'if') {
        // `{{else if x}}` is an `if` nested in the else branch that shares the outer `{{end}}`.
        otherwise = [parseBlock('if', elseRest.slice(3).trim())];
      } else {
        if (elseRest !== '') throw new TemplateError(`template: unexpected "${elseRest}" in else`);
        const tail = parseList(keyword);
        if (tail.stop !== 'end') throw new TemplateError(`template: expected end; found {{else}}`);
        otherwise = tail.nodes;
      }
    }
    return { kind: keyword, pipe, body: body.nodes, otherwise };
  };
  return parseList(undefined).nodes;
}
