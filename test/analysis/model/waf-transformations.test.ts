import * as fc from 'fast-check';
import { applyTextTransformations, CannotEvaluateError, normalizePath, urlDecode } from '../../../src/analysis/model/waf-transformations';

const t = (...types: string[]) => types.map((Type, Priority) => ({ Priority, Type }));

describe('URL_DECODE and URL_DECODE_UNI', () => {
  test.each([
    ['/%61dmin', false, '/admin'],
    ['/%2561dmin', false, '/%61dmin'], // one pass only
    ['/admin%2F', false, '/admin/'],
    ['/admin%2f', false, '/admin/'],
    ['/a%zzb', false, '/a%zzb'], // invalid escape kept
    ['/a%', false, '/a%'],
    ['/a%4', false, '/a%4'],
    ['/a+b', false, '/a b'],
    ['/admin%00', false, '/admin\0'],
    ['/%u0061dmin', false, '/%u0061dmin'], // %u is not URL_DECODE's
    ['/%u0061dmin', true, '/admin'],
    ['/%uFF41dmin', true, '/admin'], // full-width 'ａ' shifted back to ASCII
    ['/%u0161dmin', true, '/admin'], // outside the full-width range only the low byte is kept
    ['/%61dmin', true, '/admin'],
    ['/%u00', true, '/%u00'],
  ])('%s (unicode=%s) -> %j', (input, unicode, expected) => {
    expect(urlDecode(input, unicode)).toBe(expected);
  });
});

describe('NORMALIZE_PATH', () => {
  test.each([
    ['//admin', '/admin'],
    ['///admin//users', '/admin/users'],
    ['/./admin', '/admin'],
    ['/x/../admin', '/admin'],
    ['/x/y/../../admin', '/admin'],
    ['/../admin', '/admin'], // an absolute path never climbs above the root
    ['/admin/..', '/'],
    ['/admin/.', '/admin'],
    ['/admin/', '/admin/'], // a trailing slash survives
    ['/admin', '/admin'],
    ['/', '/'],
    ['', ''],
    ['../admin', '../admin'], // a relative leading back-reference stays
    ['a/../../b', '../b'],
    ['/admin;x', '/admin;x'], // path parameters are not touched
    ['/x\\..\\admin', '/x\\..\\admin'], // backslash is not a separator here
  ])('%j -> %j', (input, expected) => {
    expect(normalizePath(input, false)).toBe(expected);
  });

  test.each([
    ['\\admin', '/admin'],
    ['/x\\..\\admin', '/admin'],
    ['\\\\admin\\', '/admin/'],
  ])('NORMALIZE_PATH_WIN %j -> %j', (input, expected) => {
    expect(normalizePath(input, true)).toBe(expected);
  });

  test('is idempotent and leaves no empty, "." or ".." segment in an absolute path', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', '.', '..', '', 'admin'), { maxLength: 8 }), (segments) => {
      const path = '/' + segments.join('/');
      const once = normalizePath(path, false);
      expect(normalizePath(once, false)).toBe(once);
      expect(once.startsWith('/')).toBe(true);
      const inner = once.split('/').slice(1, once.endsWith('/') ? -1 : undefined);
      expect(inner.filter((s) => s === '.' || s === '..' || (s === '' && once !== '/'))).toEqual([]);
    }));
  });
});

describe('applyTextTransformations', () => {
  test('applies in ascending priority, not list order', () => {
    // LOWERCASE before URL_DECODE leaves %41 -> 'A'; URL_DECODE first then LOWERCASE gives 'a'.
    expect(applyTextTransformations('/%41', [{ Priority: 1, Type: 'LOWERCASE' }, { Priority: 0, Type: 'URL_DECODE' }])).toBe('/a');
    expect(applyTextTransformations('/%41', [{ Priority: 0, Type: 'LOWERCASE' }, { Priority: 1, Type: 'URL_DECODE' }])).toBe('/A');
  });

  test.each([
    ['/Admin', t('LOWERCASE'), '/admin'],
    ['/x/%2e%2e/ADMIN', t('URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'), '/admin'],
    ['/%2561dmin', t('URL_DECODE_UNI', 'URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'), '/admin'],
    ['a \t\n  b', t('COMPRESS_WHITE_SPACE'), 'a b'],
    ['/a', t('NONE'), '/a'],
    ['/a', [], '/a'],
  ])('%j with %j -> %j', (input, transformations, expected) => {
    expect(applyTextTransformations(input, transformations)).toBe(expected);
  });

  test('an unknown transformation cannot be evaluated', () => {
    expect(() => applyTextTransformations('/a', t('HTML_ENTITY_DECODE'))).toThrow(CannotEvaluateError);
    expect(() => applyTextTransformations('/a', t('HTML_ENTITY_DECODE'))).toThrow(/HTML_ENTITY_DECODE/);
  });
});
