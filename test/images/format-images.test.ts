import { describe, expect, it } from 'vitest';
import { KilnError } from '../../src/diagnostics/diagnostic.js';
import { formatImages, type FormatImagesOptions } from '../../src/images/format-images.js';
import { id, summary } from './fixtures.js';

const created = 1_795_867_306; // 2026-11-28 12:01:46 UTC
const now = new Date((created + 120) * 1000);
const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

const multiRepo = summary({
  Id: id('9'),
  RepoTags: ['127.0.0.1:5000/acme/api:1', 'spec-bk:q', 'spec-bk:two'],
  RepoDigests: [`127.0.0.1:5000/acme/api@${digestA}`],
});
const digestOnly = summary({
  Id: id('0'),
  RepoDigests: [`127.0.0.1:5055/spec-raw@${digestB}`],
  Created: created - 330 * 24 * 3600,
  Size: 999_700,
});
const dangling = summary({ Id: id('1'), RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Size: 0 });
const images = [multiRepo, digestOnly, dangling];

const render = (options: FormatImagesOptions = {}): string => formatImages(images, { now, timeZone: 'UTC', ...options });

describe('formatImages: tables', () => {
  it('default table: columns padded to max(10, width+3), last column unpadded', () => {
    expect(render()).toBe(
      [
        'REPOSITORY                TAG       IMAGE ID       CREATED         SIZE',
        '127.0.0.1:5000/acme/api   1         999999999999   2 minutes ago   1.99MB',
        'spec-bk                   q         999999999999   2 minutes ago   1.99MB',
        'spec-bk                   two       999999999999   2 minutes ago   1.99MB',
        '127.0.0.1:5055/spec-raw   <none>    000000000000   11 months ago   1e+03kB',
        '<none>                    <none>    111111111111   2 minutes ago   0B',
        '',
      ].join('\n'),
    );
  });

  it('the spec example, byte for byte', () => {
    const one = summary({ Id: `sha256:9eb30a78e845${'0'.repeat(52)}`, RepoTags: ['spec-bk:q'] });
    expect(formatImages([one], { now })).toBe(
      'REPOSITORY   TAG       IMAGE ID       CREATED         SIZE\nspec-bk      q         9eb30a78e845   2 minutes ago   1.99MB\n',
    );
  });

  it('--digests: one row per digest, digest-only repos get their digests', () => {
    expect(render({ digests: true })).toBe(
      [
        `REPOSITORY                TAG       DIGEST${' '.repeat(68)}IMAGE ID       CREATED         SIZE`,
        `127.0.0.1:5000/acme/api   1         ${digestA}   999999999999   2 minutes ago   1.99MB`,
        `spec-bk                   q         <none>${' '.repeat(68)}999999999999   2 minutes ago   1.99MB`,
        `spec-bk                   two       <none>${' '.repeat(68)}999999999999   2 minutes ago   1.99MB`,
        `127.0.0.1:5055/spec-raw   <none>    ${digestB}   000000000000   11 months ago   1e+03kB`,
        `<none>                    <none>    <none>${' '.repeat(68)}111111111111   2 minutes ago   0B`,
        '',
      ].join('\n'),
    );
  });

  it('--no-trunc prints full IDs', () => {
    expect(render({ noTrunc: true }).split('\n')[1]).toBe(`127.0.0.1:5000/acme/api   1         ${id('9')}   2 minutes ago   1.99MB`);
  });

  it('a custom table with --digests gets the DIGEST column appended', () => {
    expect(render({ format: 'table {{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}', digests: true })).toBe(
      [
        'IMAGE ID       CREATED         SIZE      DIGEST',
        `999999999999   2 minutes ago   1.99MB    ${digestA}`,
        '999999999999   2 minutes ago   1.99MB    <none>',
        '999999999999   2 minutes ago   1.99MB    <none>',
        `000000000000   11 months ago   1e+03kB   ${digestB}`,
        '111111111111   2 minutes ago   0B        <none>',
        '',
      ].join('\n'),
    );
  });

  it('every field has its header; narrow columns still take the minimum width of 10', () => {
    const out = formatImages([summary({ Id: id('2'), RepoTags: ['a:b'], SharedSize: 1000, Containers: 2 })], {
      now,
      timeZone: 'UTC',
      format: 'table {{.Repository}}\t{{.Tag}}\t{{.Containers}}\t{{.CreatedAt}}\t{{.VirtualSize}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Digest}}',
    });
    expect(out).toBe(
      [
        'REPOSITORY   TAG       CONTAINERS   CREATED AT                      SIZE      SHARED SIZE   UNIQUE SIZE   DIGEST',
        'a            b         2            2026-11-28 12:01:46 +0000 UTC   1.985MB   1kB           1.984MB       <none>',
        '',
      ].join('\n'),
    );
  });

  it('a format naming {{.Digest}} shows digests of tagged repos but not rows per digest-only digest', () => {
    expect(render({ format: '{{.Repository}} {{.Tag}} {{.Digest}}' })).toBe(
      [
        `127.0.0.1:5000/acme/api 1 ${digestA}`,
        'spec-bk q <none>',
        'spec-bk two <none>',
        '127.0.0.1:5055/spec-raw <none> ',
        '<none> <none> <none>',
        '',
      ].join('\n'),
    );
  });

  it('prints only the header for no images', () => {
    expect(formatImages([], { now })).toBe('REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
  });
});

describe('formatImages: quiet, json, raw, templates', () => {
  it('-q prints one ID per row, duplicates kept', () => {
    expect(render({ quiet: true })).toBe('999999999999\n999999999999\n999999999999\n000000000000\n111111111111\n');
    expect(render({ quiet: true, noTrunc: true }).split('\n')[0]).toBe(id('9'));
  });

  it('json: sorted keys, all strings, HTML-escaped, docker fields only', () => {
    const lines = render({ format: 'json', extra: () => ({ Image: 'api', Key: 'k', Current: 'true' }) }).split('\n');
    expect(lines[0]).toBe(
      '{"Containers":"N/A","CreatedAt":"2026-11-28 12:01:46 +0000 UTC","CreatedSince":"2 minutes ago","Digest":"\\u003cnone\\u003e",' +
        '"ID":"999999999999","Repository":"127.0.0.1:5000/acme/api","SharedSize":"N/A","Size":"1.99MB","Tag":"1","UniqueSize":"N/A","VirtualSize":"1.985MB"}',
    );
    expect(lines[3]).toContain('"Digest":"","ID":"000000000000","Repository":"127.0.0.1:5055/spec-raw"');
    expect(lines[3]).toContain('"Tag":"\\u003cnone\\u003e"');
  });

  it('{{json .Field}} does not escape HTML (docker sets SetEscapeHTML(false))', () => {
    expect(formatImages([dangling], { format: '{{json .Repository}}' })).toBe('"<none>"\n');
  });

  it('raw format', () => {
    expect(formatImages([multiRepo], { now, timeZone: 'UTC', format: 'raw' }).split('\n').slice(0, 6)).toEqual([
      'repository: 127.0.0.1:5000/acme/api',
      'tag: 1',
      'image_id: 999999999999',
      'created_at: 2026-11-28 12:01:46 +0000 UTC',
      'virtual_size: 1.99MB',
      '',
    ]);
  });

  it('template functions, trimming, if/else if, pipelines', () => {
    const out = formatImages([multiRepo], {
      now,
      format: ' {{- upper .Repository | printf "%s!" -}} | {{lower "AbC"}} {{title "hello wORld-x"}} {{truncate .ID 4}} {{pad .Tag 1 2}}|' +
        '{{join (split .Repository "/") ","}}{{if eq .Tag "q"}} Q{{else if .Digest}} D{{else}} N{{end}}{{println}} ',
    });
    expect(out.split('\n').slice(0, 2)).toEqual(['127.0.0.1:5000/ACME/API!| abc Hello WORld-X 9999  1  |127.0.0.1:5000,acme,api D', '']);
    expect(out).toContain('SPEC-BK!| abc Hello WORld-X 9999  q  |spec-bk Q\n\n');
  });

  it('kiln fields come from extra and have headers', () => {
    const out = formatImages([multiRepo], {
      now,
      format: 'table {{.Image}}\t{{.Key}}\t{{.Current}}',
      extra: () => ({ Image: 'api', Key: 'abc123', Current: 'true' }),
    });
    expect(out.split('\n')[0]).toBe('IMAGE     KEY       CURRENT');
    expect(out.split('\n')[1]).toBe('api       abc123    true');
  });

  it('an unknown field is a usage error listing the valid fields', () => {
    let error: unknown;
    try {
      render({ format: '{{.Repo}}' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KilnError);
    const d = (error as KilnError).diagnostics[0];
    expect(d?.kind).toBe('usage');
    expect(d?.message).toBe("template: unknown field .Repo (in --format '{{.Repo}}')");
    expect(d?.hint).toBe(
      'Use one of the image fields: .ID, .Repository, .Tag, .Digest, .CreatedSince, .CreatedAt, .Size, .Containers, .VirtualSize, .SharedSize, .UniqueSize, .Image, .Key, .Current.',
    );
  });

  it('reports parse errors with Go wording', () => {
    expect(() => render({ format: '{{.ID' })).toThrow('template parsing error: template: :1: unclosed action');
    expect(() => render({ format: '{{nope .ID}}' })).toThrow('template parsing error: template: function "nope" not defined');
    expect(() => render({ format: '{{if .ID}}x' })).toThrow('unexpected EOF');
    expect(() => render({ format: '{{join .ID ","}}' })).toThrow('expected []string; got string');
  });
});
