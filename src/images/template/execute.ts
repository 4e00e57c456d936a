import { isTrue, type FunctionMap } from './functions.js';
import type { Arg, Command, Pipeline, TemplateNode } from './parse.js';
import { TemplateError } from './template-error.js';
import { unreachable } from '../../util/unreachable.js';
import { printValue, type TemplateValue } from './value.js';

function access(value: TemplateValue, name: string): TemplateValue {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value.field(name);
  const type = value === undefined ? 'invalid' : value === null ? 'nil' : Array.isArray(value) ? '[]string' : typeof value;
  throw new TemplateError(`template: can't evaluate field ${name} in type ${type}`);
}

/** Executes parsed nodes against `dot` with `functions`; throws TemplateError on a failure. */
export function execute(nodes: readonly TemplateNode[], dot: TemplateValue, functions: FunctionMap): string {
  const out: string[] = [];
  // Appends as it goes, so a failure leaves the partial output (the header row relies on this, as in Go).
  run(nodes, dot, functions, out);
  return out.join('');
}

/** Like execute, but returns what was written before a failure instead of throwing (docker ignores header errors). */
export function executePartial(nodes: readonly TemplateNode[], dot: TemplateValue, functions: FunctionMap): string {
  const out: string[] = [];
  try {
    run(nodes, dot, functions, out);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
  }
  return out.join('');
}

function run(nodes: readonly TemplateNode[], dot: TemplateValue, functions: FunctionMap, out: string[]): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out.push(node.text);
        break;
      case 'action':
        out.push(printValue(evalPipeline(node.pipe, dot, functions)));
        break;
      case 'if':
      case 'with': {
        const value = evalPipeline(node.pipe, dot, functions);
        if (isTrue(value)) run(node.body, node.kind === 'with' ? value : dot, functions, out);
        else run(node.otherwise, dot, functions, out);
        break;
      }
      case 'range': {
        const value = evalPipeline(node.pipe, dot, functions);
        if (value === undefined || value === null) {
          run(node.otherwise, dot, functions, out);
        } else if (Array.isArray(value)) {
          if (value.length === 0) run(node.otherwise, dot, functions, out);
          for (const element of value) run(node.body, element, functions, out);
        } else {
          throw new TemplateError(`template: range can't iterate over ${printValue(value)}`);
        }
        break;
      }
      default:
        unreachable(node);
    }
  }
}

function evalPipeline(pipe: Pipeline, dot: TemplateValue, functions: FunctionMap): TemplateValue {
  let result: TemplateValue;
  pipe.forEach((command, i) => {
    result = evalCommand(command, dot, functions, i > 0, result);
  });
  return result;
}

function evalCommand(command: Command, dot: TemplateValue, functions: FunctionMap, piped: boolean, final: TemplateValue): TemplateValue {
  const [first, ...rest] = command;
  if (first === undefined) throw new TemplateError('template: empty command');
  if (first.kind === 'function') {
    const args = rest.map((a) => evalArg(a, dot, functions));
    if (piped) args.push(final);
    return call(first.name, args, functions);
  }
  if (rest.length > 0 || piped) {
    const what = first.kind === 'field' ? `.${first.path.join('.')}` : first.kind;
    throw new TemplateError(`template: can't give argument to non-function ${what}`);
  }
  return evalArg(first, dot, functions);
}

function call(name: string, args: TemplateValue[], functions: FunctionMap): TemplateValue {
  const fn = functions[name];
  if (fn === undefined) throw new TemplateError(`template: function "${name}" not defined`);
  if (args.length < fn.min || (fn.max >= 0 && args.length > fn.max)) {
    const want = fn.max < 0 ? `at least ${fn.min}` : String(fn.min);
    throw new TemplateError(`template: wrong number of args for ${name}: want ${want} got ${args.length}`);
  }
  return fn.call(args);
}

function evalArg(arg: Arg, dot: TemplateValue, functions: FunctionMap): TemplateValue {
  switch (arg.kind) {
    case 'dot':
      return dot;
    case 'field': {
      const receiver = arg.receiver === undefined ? dot : evalArg(arg.receiver, dot, functions);
      return arg.path.reduce(access, receiver);
    }
    case 'string':
    case 'number':
    case 'bool':
      return arg.value;
    case 'nil':
      return null;
    case 'function':
      return call(arg.name, [], functions);
    case 'pipe':
      return evalPipeline(arg.pipe, dot, functions);
    default:
      return unreachable(arg);
  }
}

/** Field names read from the top-level dot (outside `with`/`range` bodies), for checking before any row runs. */
export function rootFields(nodes: readonly TemplateNode[]): string[] {
  const names: string[] = [];
  const fromPipe = (pipe: Pipeline): void => {
    for (const command of pipe) for (const arg of command) fromArg(arg);
  };
  const fromArg = (arg: Arg): void => {
    if (arg.kind === 'field') {
      if (arg.receiver === undefined) names.push(arg.path[0] ?? '');
      else fromArg(arg.receiver);
    } else if (arg.kind === 'pipe') fromPipe(arg.pipe);
  };
  const walk = (list: readonly TemplateNode[]): void => {
    for (const node of list) {
      if (node.kind === 'text') continue;
      fromPipe(node.pipe);
      if (node.kind === 'if') walk(node.body);
      if (node.kind !== 'action') walk(node.otherwise);
    }
  };
  walk(nodes);
  return names;
}
