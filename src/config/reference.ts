// Reference grammar of distribution/reference (reference/regexp.go), which docker enforces.
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const path = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const tag = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Whether `value` is a valid docker tag (`latest`, `1.2.0`, `sha-abc`). */
export function isValidTag(value: string): boolean {
  return tag.test(value);
}

/** Whether `value` is a valid repository name without tag or digest (`127.0.0.1:5000/acme/api`). */
export function isValidRepository(value: string): boolean {
  if (value.length === 0 || value.length > 255) return false;
  const slash = value.indexOf('/');
  const first = slash === -1 ? '' : value.slice(0, slash);
  // As docker decides: the first component is a registry host only if it looks like one.
  if (first.includes('.') || first.includes(':') || first === 'localhost') {
    return domain.test(first) && path.test(value.slice(slash + 1));
  }
  return path.test(value);
}
