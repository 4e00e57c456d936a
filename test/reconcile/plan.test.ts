import { describe, expect, it } from 'vitest';
import { isSettled, planImage, type PlanInput } from '../../src/reconcile/plan.js';
import { matchesTagTemplates, tagPattern } from '../../src/reconcile/tag-patterns.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const content = `kiln-${'1'.repeat(20)}`;
const oldContent = `kiln-${'2'.repeat(20)}`;

function input(extra: Partial<PlanInput>): PlanInput {
  return { image: 'api', repository: '127.0.0.1:5000/x/api', key: '1'.repeat(64), contentTag: content, tags: ['v2', 'latest'], templates: ['v${VERSION}', 'latest'], keyLocation: { kind: 'registry', digest: A }, actual: new Map(), ...extra };
}

describe('tag patterns', () => {
  it('turns ${...} parts into any run of tag characters; literals match only themselves', () => {
    expect(tagPattern('v${VERSION}').test('v1.2.0')).toBe(true);
    expect(tagPattern('v${VERSION}').test('1.2.0')).toBe(false);
    expect(tagPattern('${GIT_SHA_SHORT}-${VARIANT:-slim}').test('abc1234-slim')).toBe(true);
    expect(tagPattern('latest').test('latest')).toBe(true);
    expect(tagPattern('1.0').test('1x0')).toBe(false);
    expect(matchesTagTemplates('stable', ['latest', 'v${V}'])).toBe(false);
  });
});

describe('planImage', () => {
  it('ok, create, move and extra, with prunable extras matching the templates only', () => {
    const plan = planImage(input({ actual: new Map([['latest', B], [content, A], ['v1', A], ['stable', A], [oldContent, B]]) }));
    expect(plan.tags).toEqual([
      { tag: 'v2', action: 'create', wanted: A },
      { tag: 'latest', action: 'move', current: B, wanted: A },
      { tag: content, action: 'ok', current: A, wanted: A, content: true },
      { tag: oldContent, action: 'extra', current: B, prunable: false },
      { tag: 'stable', action: 'extra', current: A, prunable: false },
      { tag: 'v1', action: 'extra', current: A, prunable: true },
    ]);
    expect(isSettled([plan], false)).toBe(false);
  });

  it('a key only local or nowhere has no wanted digest yet: existing tags move', () => {
    const plan = planImage(input({ keyLocation: { kind: 'local', id: 'sha256:c' }, actual: new Map([['latest', A]]) }));
    expect(plan.tags.map((t) => [t.tag, t.action, t.wanted])).toEqual([
      ['v2', 'create', undefined],
      ['latest', 'move', undefined],
      [content, 'create', undefined],
    ]);
  });

  it('settled when every wanted tag is ok; unprunable extras do not count, prunable ones only with prune', () => {
    const plan = planImage(input({ actual: new Map([['v2', A], ['latest', A], [content, A], ['v1', B]]) }));
    expect(isSettled([plan], false)).toBe(true);
    expect(isSettled([plan], true)).toBe(false);
  });

  it('an extra whose digest was not read (null) stays extra with a null digest; a wanted one moves', () => {
    const plan = planImage(input({ actual: new Map<string, string | null>([['v1', null], ['latest', null], [content, A]]) }));
    expect(plan.tags).toEqual([
      { tag: 'v2', action: 'create', wanted: A },
      { tag: 'latest', action: 'move', current: null, wanted: A },
      { tag: content, action: 'ok', current: A, wanted: A, content: true },
      { tag: 'v1', action: 'extra', current: null, prunable: true },
    ]);
  });

  it('tags other images of the same repository want are never extra', () => {
    const plan = planImage(input({ actual: new Map([['worker', B]]), claimedElsewhere: new Set(['worker']) }));
    expect(plan.tags.some((t) => t.tag === 'worker')).toBe(false);
  });
});
