import { describe, expect, it } from 'vitest';
import { expandWord } from '../../src/dockerfile/index.js';

// Test vectors ported from BuildKit (github.com/moby/buildkit, frontend/dockerfile/shell at commit
// 73ed6825c4b7): the data files envVarTest (its "A" and "U" lines: Linux) and wordsTest, and the
// tables of lex_test.go. kiln's expandWord must give BuildKit's result for every one of them.

const lookupIn =
  (env: Record<string, string>) =>
  (name: string): string | undefined =>
    Object.hasOwn(env, name) ? env[name] : undefined;
const expand = (word: string, env: Record<string, string>, escapeChar = '\\') => expandWord(word, { escapeChar, lookup: lookupIn(env) });

// envVarTest: [source, expected] where "error" means ProcessWord fails.
const envVarTest: [string, string][] = [
  ["hello", "hello"],
  ["he'll'o", "hello"],
  ["he'llo", "error"],
  ["he\\'llo", "he'llo"],
  ["he\\\\'llo", "error"],
  ["abc\\tdef", "abctdef"],
  ["\"abc\\tdef\"", "abc\\tdef"],
  ["\"abc\\\\tdef\"", "abc\\tdef"],
  ["'abc\\tdef'", "abc\\tdef"],
  ["hello\\", "hello"],
  ["hello\\\\", "hello\\"],
  ["\"hello", "error"],
  ["\"hello\\\"", "error"],
  ["\"hel'lo\"", "hel'lo"],
  ["'hello", "error"],
  ["'hello\\'", "hello\\"],
  ["'hello\\there'", "hello\\there"],
  ["'hello\\\\there'", "hello\\\\there"],
  ["\"''\"", "''"],
  ["$.", "$."],
  ["he$1x", "hex"],
  ["he$.x", "he$.x"],
  ["he$pwd.", "he."],
  ["he$PWD", "he/home"],
  ["he\\$PWD", "he$PWD"],
  ["he\\\\$PWD", "he\\/home"],
  ["\"he\\$PWD\"", "he$PWD"],
  ["\"he\\\\$PWD\"", "he\\/home"],
  ["\\${}", "${}"],
  ["\\${}aaa", "${}aaa"],
  ["he\\${}", "he${}"],
  ["he\\${}xx", "he${}xx"],
  ["${}", "error"],
  ["${}aaa", "error"],
  ["he${}", "error"],
  ["he${}xx", "error"],
  ["he${hi}", "he"],
  ["he${hi}xx", "hexx"],
  ["he${PWD}", "he/home"],
  ["he${.}", "error"],
  ["he${XXX:-000}xx", "he000xx"],
  ["he${PWD:-000}xx", "he/homexx"],
  ["he${XXX:-$PWD}xx", "he/homexx"],
  ["he${XXX:-${PWD:-yyy}}xx", "he/homexx"],
  ["he${XXX:-${YYY:-yyy}}xx", "heyyyxx"],
  ["he${XXX:YYY}", "error"],
  ["he${XXX?}", "error"],
  ["he${XXX:?}", "error"],
  ["he${PWD?}", "he/home"],
  ["he${PWD:?}", "he/home"],
  ["he${NULL?}", "he"],
  ["he${NULL:?}", "error"],
  ["he${XXX:+${PWD}}xx", "hexx"],
  ["he${PWD:+${XXX}}xx", "hexx"],
  ["he${PWD:+${SHELL}}xx", "hebashxx"],
  ["he${XXX:+000}xx", "hexx"],
  ["he${PWD:+000}xx", "he000xx"],
  ["'he${XX}'", "he${XX}"],
  ["\"he${PWD}\"", "he/home"],
  ["\"he'$PWD'\"", "he'/home'"],
  ["\"$PWD\"", "/home"],
  ["'$PWD'", "$PWD"],
  ["'\\$PWD'", "\\$PWD"],
  ["'\"hello\"'", "\"hello\""],
  ["he\\$PWD", "he$PWD"],
  ["\"he\\$PWD\"", "he$PWD"],
  ["'he\\$PWD'", "he\\$PWD"],
  ["he${PWD", "error"],
  ["he${PWD:=000}xx", "error"],
  ["he${PWD:+${PWD}:}xx", "he/home:xx"],
  ["he${XXX:-\\$PWD:}xx", "he$PWD:xx"],
  ["he${XXX:-\\${PWD}z}xx", "he${PWDz}xx"],
  ["안녕하세요", "안녕하세요"],
  ["안'녕'하세요", "안녕하세요"],
  ["안'녕하세요", "error"],
  ["안녕\\'하세요", "안녕'하세요"],
  ["안\\\\'녕하세요", "error"],
  ["안녕\\t하세요", "안녕t하세요"],
  ["\"안녕\\t하세요\"", "안녕\\t하세요"],
  ["'안녕\\t하세요", "error"],
  ["안녕하세요\\", "안녕하세요"],
  ["안녕하세요\\\\", "안녕하세요\\"],
  ["\"안녕하세요", "error"],
  ["\"안녕하세요\\\"", "error"],
  ["\"안녕'하세요\"", "안녕'하세요"],
  ["'안녕하세요", "error"],
  ["'안녕하세요\\'", "안녕하세요\\"],
  ["안녕$1x", "안녕x"],
  ["안녕$.x", "안녕$.x"],
  ["안녕$pwd.", "안녕."],
  ["안녕$PWD", "안녕/home"],
  ["안녕\\$PWD", "안녕$PWD"],
  ["안녕\\\\$PWD", "안녕\\/home"],
  ["안녕\\${}", "안녕${}"],
  ["안녕\\${}xx", "안녕${}xx"],
  ["안녕${}", "error"],
  ["안녕${}xx", "error"],
  ["안녕${hi}", "안녕"],
  ["안녕${hi}xx", "안녕xx"],
  ["안녕${PWD}", "안녕/home"],
  ["안녕${.}", "error"],
  ["안녕${XXX:-000}xx", "안녕000xx"],
  ["안녕${PWD:-000}xx", "안녕/homexx"],
  ["안녕${XXX:-$PWD}xx", "안녕/homexx"],
  ["안녕${XXX:-${PWD:-yyy}}xx", "안녕/homexx"],
  ["안녕${XXX:-${YYY:-yyy}}xx", "안녕yyyxx"],
  ["안녕${XXX:YYY}", "error"],
  ["안녕${XXX:+${PWD}}xx", "안녕xx"],
  ["안녕${PWD:+${XXX}}xx", "안녕xx"],
  ["안녕${PWD:+${SHELL}}xx", "안녕bashxx"],
  ["안녕${XXX:+000}xx", "안녕xx"],
  ["안녕${PWD:+000}xx", "안녕000xx"],
  ["'안녕${XX}'", "안녕${XX}"],
  ["\"안녕${PWD}\"", "안녕/home"],
  ["\"안녕'$PWD'\"", "안녕'/home'"],
  ["'\"안녕\"'", "\"안녕\""],
  ["안녕\\$PWD", "안녕$PWD"],
  ["\"안녕\\$PWD\"", "안녕$PWD"],
  ["'안녕\\$PWD'", "안녕\\$PWD"],
  ["안녕${PWD", "error"],
  ["안녕${PWD:=000}xx", "error"],
  ["안녕${PWD:+${PWD}:}xx", "안녕/home:xx"],
  ["안녕${XXX:-\\$PWD:}xx", "안녕$PWD:xx"],
  ["안녕${XXX:-\\${PWD}z}xx", "안녕${PWDz}xx"],
  ["$KOREAN", "한국어"],
  ["안녕$KOREAN", "안녕한국어"],
  ["${{aaa}", "error"],
  ["${aaa}}", "}"],
  ["${aaa", "error"],
  ["${{aaa:-bbb}", "error"],
  ["${aaa:-bbb}}", "bbb}"],
  ["${aaa:-bbb", "error"],
  ["${aaa:-bbb}", "bbb"],
  ["${aaa:-${bbb:-ccc}}", "ccc"],
  ["${aaa:-bbb ${foo}", "error"],
  ["${aaa:-bbb {foo}", "bbb {foo"],
  ["${:}", "error"],
  ["${:-bbb}", "error"],
  ["${:+bbb}", "error"],
  ["$1", ""],
  ["${1}", ""],
  ["${1:+bbb}", ""],
  ["${1:-bbb}", "bbb"],
  ["$2", ""],
  ["${2}", ""],
  ["${2:+bbb}", ""],
  ["${2:-bbb}", "bbb"],
  ["$3", ""],
  ["${3}", ""],
  ["${3:+bbb}", ""],
  ["${3:-bbb}", "bbb"],
  ["$4", ""],
  ["${4}", ""],
  ["${4:+bbb}", ""],
  ["${4:-bbb}", "bbb"],
  ["$5", ""],
  ["${5}", ""],
  ["${5:+bbb}", ""],
  ["${5:-bbb}", "bbb"],
  ["$6", ""],
  ["${6}", ""],
  ["${6:+bbb}", ""],
  ["${6:-bbb}", "bbb"],
  ["$7", ""],
  ["${7}", ""],
  ["${7:+bbb}", ""],
  ["${7:-bbb}", "bbb"],
  ["$8", ""],
  ["${8}", ""],
  ["${8:+bbb}", ""],
  ["${8:-bbb}", "bbb"],
  ["$9", ""],
  ["${9}", ""],
  ["${9:+bbb}", ""],
  ["${9:-bbb}", "bbb"],
  ["$999", ""],
  ["${999}", ""],
  ["${999:+bbb}", ""],
  ["${999:-bbb}", "bbb"],
  ["$999aaa", "aaa"],
  ["${999}aaa", "aaa"],
  ["${999:+bbb}aaa", "aaa"],
  ["${999:-bbb}aaa", "bbbaaa"],
  ["$001", ""],
  ["${001}", ""],
  ["${001:+bbb}", ""],
  ["${001:-bbb}", "bbb"],
  ["$001aaa", "aaa"],
  ["${001}aaa", "aaa"],
  ["${001:+bbb}aaa", "aaa"],
  ["${001:-bbb}aaa", "bbbaaa"],
  ["$@", ""],
  ["${@}", ""],
  ["${@:+bbb}", ""],
  ["${@:-bbb}", "bbb"],
  ["$@@@", "@@"],
  ["$@aaa", "aaa"],
  ["${@}aaa", "aaa"],
  ["${@:+bbb}aaa", "aaa"],
  ["${@:-bbb}aaa", "bbbaaa"],
  ["$*", ""],
  ["${*}", ""],
  ["${*:+bbb}", ""],
  ["${*:-bbb}", "bbb"],
  ["$#", ""],
  ["${#}", ""],
  ["${#:+bbb}", ""],
  ["${#:-bbb}", "bbb"],
  ["$?", ""],
  ["${?}", ""],
  ["${?:+bbb}", ""],
  ["${?:-bbb}", "bbb"],
  ["$-", ""],
  ["${-}", ""],
  ["${-:+bbb}", ""],
  ["${-:-bbb}", "bbb"],
  ["$$", ""],
  ["${$}", ""],
  ["${$:+bbb}", ""],
  ["${$:-bbb}", "bbb"],
  ["$!", ""],
  ["${!}", ""],
  ["${!:+bbb}", ""],
  ["${!:-bbb}", "bbb"],
  ["$0", ""],
  ["${0}", ""],
  ["${0:+bbb}", ""],
  ["${0:-bbb}", "bbb"],
];

describe('BuildKit envVarTest (ProcessWord)', () => {
  const env = { PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' };
  it.each(envVarTest)('%s → %s', (source, expected) => {
    const result = expand(source, env);
    if (expected === 'error') expect(result.ok).toBe(false);
    else expect(result).toMatchObject({ ok: true, value: { value: expected } });
  });
});

// wordsTest: a string is an `ENV name=value` line that holds for the lines after it.
const wordsTest: (string | [string, string[]])[] = [
  ["hello", ["hello"]],
  ["hello${hi}bye", ["hellobye"]],
  "hi=hi",
  ["hello${hi}bye", ["hellohibye"]],
  "space=abc  def",
  ["hello${space}bye", ["helloabc", "defbye"]],
  ["hello\"${space}\"bye", ["helloabc  defbye"]],
  ["hello \"${space}\"bye", ["hello", "abc  defbye"]],
  "leading=  ab c",
  ["hello${leading}def", ["hello", "ab", "cdef"]],
  ["hello\"${leading}\" def", ["hello  ab c", "def"]],
  ["hello\"${leading}\"", ["hello  ab c"]],
  ["hello${leading}", ["hello", "ab", "c"]],
  "trailing=ab c   ",
  ["hello${trailing}", ["helloab", "c"]],
  ["hello${trailing}d", ["helloab", "c", "d"]],
  ["hello\"${trailing}\"d", ["helloab c   d"]],
  ["hel\"lo${trailing}\"", ["helloab c   "]],
  ["hello\" there  \"", ["hello there  "]],
  ["hello there", ["hello", "there"]],
  ["hello\\ there", ["hello there"]],
  ["hello\" there", ["error"]],
  ["hello\\\" there", ["hello\"", "there"]],
  ["hello\"\\\\there\"", ["hello\\there"]],
  ["hello\"\\there\"", ["hello\\there"]],
  ["hello'\\\\there'", ["hello\\\\there"]],
  ["hello'\\there'", ["hello\\there"]],
  ["hello'$there'", ["hello$there"]],
];

describe('BuildKit wordsTest (ProcessWords)', () => {
  const env: Record<string, string> = {};
  const cases: [string, string[], Record<string, string>][] = [];
  for (const line of wordsTest) {
    if (typeof line === 'string') {
      const equals = line.indexOf('=');
      env[line.slice(0, equals)] = line.slice(equals + 1);
    } else cases.push([line[0], line[1], { ...env }]);
  }
  it.each(cases)('%s → %j', (source, expected, vars) => {
    const result = expand(source, vars);
    expect(result.ok ? result.value.words : ['error']).toEqual(expected);
  });
});

// lex_test.go TestProcessWithMatches: [input, env, expected (null: an error), the variables BuildKit
// reports as matched or unmatched (kiln's `used`)].
const withMatches: [string, Record<string, string>, string | null, string[]][] = [
  ['x', { DUMMY: 'dummy' }, 'x', []],
  ['x ${UNUSED}', { DUMMY: 'dummy' }, 'x ', ['UNUSED']],
  ['x ${FOO}', { FOO: 'y' }, 'x y', ['FOO']],
  ['${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx  ccc', ['FOO', 'BAR', 'BAZ']],
  ['${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx bbb ccc', ['FOO', 'BAR', 'BAZ']],
  ['${FOO:-}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO']],
  ['${FOO:-}', {}, '', ['FOO']],
  ['${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa bbb ', ['FOO', 'BAR', 'BAZ']],
  ['${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa  ', ['FOO', 'BAR', 'BAZ']],
  ['${FOO?aaa}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO']],
  ['${BAR?bbb}', { FOO: 'xxx', BAR: '' }, '', ['BAR']],
  ['${BAZ?ccc}', { FOO: 'xxx', BAR: '' }, null, []],
  ['${FOO:?aaa}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO']],
  ['${BAR:?bbb}', { FOO: 'xxx', BAR: '' }, null, []],
  ['${BAZ:?ccc}', { FOO: 'xxx', BAR: '' }, null, []],
  ['${BAZ:?}', { FOO: 'xxx', BAR: '' }, null, []],
  ['${FOO=aaa}', { FOO: 'xxx', BAR: '' }, null, []],
  ['${FOO=:aaa}', { FOO: 'xxx', BAR: '' }, null, []],
  ['${FOO=}', {}, null, []],
  ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x', ['FOO']],
  ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx', ['FOO']],
  ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y', ['FOO']],
  ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy', ['FOO', 'BAR']],
  ['${FOO#$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['FOO', 'BAR']],
  ['${FOO#}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO##*x}', { FOO: 'xxyy' }, 'yy', ['FOO']],
  ['${FOO##}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO#?\\?}', { FOO: '???y' }, '?y', ['FOO']],
  ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.', ['FOO', 'ABC']],
  ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a', ['FOO']],
  ['${FOO%}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO%%$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['FOO', 'BAR']],
  ['${FOO:#}', {}, null, []],
  ['${FOO:##}', {}, null, []],
  ['${FOO:%}', {}, null, []],
  ['${FOO:%%}', {}, null, []],
  ['${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, '/foo.*/*.txt - /foo..*.txt', ['FOO', 'NEEDLE']],
  ['${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, '/tmp/bar.txt - /bar.txt', ['FOO', 'NEEDLE']],
  ['${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}', { FOO: '/a/foo/b/c.txt', NEEDLE: '/?/', REPLACEMENT: '/' }, '/foo/b/c.txt - /foo/c.txt', ['FOO', 'NEEDLE', 'REPLACEMENT']],
  ['${FOO/$NEEDLE/$REPLACEMENT}', { FOO: 'http://google.de', NEEDLE: 'http://', REPLACEMENT: 'https://' }, 'https://google.de', ['FOO', 'NEEDLE', 'REPLACEMENT']],
  ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt', ['FOO']],
  ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy', ['FOO', 'BAR']],
  ['${FOO//ww}', { FOO: 'xxyy' }, null, []],
  ['${FOO//}', { FOO: 'xxyy' }, null, []],
  ['${FOO///}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO///}', {}, '', ['FOO']],
  // TestShellParserMandatoryEnvVars
  ['${VAR:?message here$ARG}', { VAR: 'plain', ARG: 'x' }, 'plain', ['VAR', 'ARG']],
  ['${VAR?message here$ARG}', { VAR: 'plain', ARG: 'x' }, 'plain', ['VAR', 'ARG']],
  ['${VAR?message here$ARG}', { VAR: '', ARG: 'x' }, '', ['VAR', 'ARG']],
  // TestProcessWithMatchesPlatform
  ['something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz', { VERSION: 'v1.2.3', TARGETOS: 'linux', TARGETARCH: 'arm', TARGETVARIANT: 'v7' }, 'something-v1.2.3.linux-arm-v7.tar.gz', ['VERSION', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT']],
  ['something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz', { VERSION: 'v1.2.3', TARGETOS: 'linux', TARGETARCH: 'arm64', TARGETVARIANT: '' }, 'something-v1.2.3.linux-arm64.tar.gz', ['VERSION', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT']],
  ['something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz', { VERSION: 'v1.2.3', TARGETOS: 'linux', TARGETARCH: 'arm64' }, 'something-v1.2.3.linux-arm64.tar.gz', ['VERSION', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT']],
];

describe('BuildKit lex_test.go', () => {
  it.each(withMatches)('%s with %j → %j', (input, env, expected, used) => {
    const result = expand(input, env);
    if (expected === null) {
      expect(result.ok).toBe(false);
      return;
    }
    expect(result).toMatchObject({ ok: true, value: { value: expected } });
    if (result.ok) expect(result.value.used.sort()).toEqual([...used].sort());
  });

  it.each([
    ['${FOO:?message here$ARG}', { VAR: '', ARG: 'x' }],
    ['${VAR:?message here$ARG}', { VAR: '', ARG: 'x' }],
    ['${VAR?message here$ARG}', { ARG: 'x' }],
  ])('%s with %j fails with the expanded message', (input, env) => {
    const result = expand(input, env);
    expect(!result.ok && result.error).toContain('message herex');
  });

  // TestConvertShellPatternToRegex's invalid patterns, through `#`.
  it.each(['\\', '\\x', '\\\\\\'])('pattern %s is invalid', (pattern) => {
    expect(expand(`\${A#${pattern}}`, { A: 'a' }).ok).toBe(false);
  });

  // TestReversePattern, through `%` (the reversed pattern must keep each escape before its character).
  it.each([
    ['${A%a\\*c}', 'xa*c', 'x'],
    ['${A%\\\\\\*b}', 'x\\*b', 'x'],
    ['${A%👽\\?🖖}', '1👽?🖖', '1'],
    ['${A%\\\\b}', 'x\\b', 'x'],
  ])('%s on %s → %s', (input, value, expected) => {
    expect(expand(input, { A: value })).toMatchObject({ ok: true, value: { value: expected } });
  });
});
