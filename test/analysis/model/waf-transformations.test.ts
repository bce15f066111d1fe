import * as fc from 'fast-check';
import { applyTextTransformations, CannotEvaluateError, normalizePath, SUPPORTED_TRANSFORMATIONS, urlDecode } from '../../../src/analysis/model/waf-transformations';

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

describe('edges of the transformations', () => {
  test.each([
    ['/%UFF41', true, '/a'], // %U in upper case is the same form
    ['/%uFF01', true, '/!'], // first full-width character
    ['/%uFF5E', true, '/~'], // last full-width character
    ['/%uFF00', true, '/\0'], // below the range: low byte only
    ['/%uFF5F', true, '/_'], // above the range: low byte only (0x5f)
    ['/%u006', true, '/%u006'], // a %u escape needs four hex digits
    ['/%u00zz', true, '/%u00zz'],
    ['%41%42', false, 'AB'],
    ['%4g', false, '%4g'],
    ['100%', false, '100%'],
    ['a+b+c', true, 'a b c'],
  ])('%j (unicode=%s) -> %j', (input, unicode, expected) => {
    expect(urlDecode(input, unicode)).toBe(expected);
  });

  test.each([
    ['../..', '../..'], // relative back-references that cannot be resolved stay, in order
    ['a/..', ''],
    ['a/../', ''],
    ['a/b/', 'a/b/'],
    ['/a/../..', '/'],
    ['/a/b/../', '/a/'],
    ['//', '/'],
  ])('NORMALIZE_PATH %j -> %j', (input, expected) => {
    expect(normalizePath(input, false)).toBe(expected);
  });

  test.each([
    ['A\0B\0', t('REMOVE_NULLS'), 'AB'],
    ['A\0B\0', t('REPLACE_NULLS'), 'A B '],
    ['/Ab\xc9', t('UPPERCASE'), '/AB\xc9'],
    ['/Ab\xc9', t('LOWERCASE'), '/ab\xc9'],
    ['a\r\v\f\xa0b  c', t('COMPRESS_WHITE_SPACE'), 'a b c'],
    ['\\A\\..\\b', t('NORMALIZE_PATH_WIN'), '/b'],
    ['/%u0041%2541', t('URL_DECODE_UNI'), '/A%41'],
    ['/%u0041%41', t('URL_DECODE'), '/%u0041A'], // URL_DECODE leaves the %u form alone
    ['/x\\..\\admin', t('NORMALIZE_PATH'), '/x\\..\\admin'], // and NORMALIZE_PATH leaves backslashes alone
  ])('%j with %j -> %j', (input, transformations, expected) => {
    expect(applyTextTransformations(input, transformations)).toBe(expected);
  });

  test('the supported types, and the error for the rest', () => {
    expect(SUPPORTED_TRANSFORMATIONS).toEqual([
      'NONE', 'URL_DECODE', 'URL_DECODE_UNI', 'NORMALIZE_PATH', 'NORMALIZE_PATH_WIN', 'LOWERCASE', 'UPPERCASE',
      'COMPRESS_WHITE_SPACE', 'REMOVE_NULLS', 'REPLACE_NULLS',
    ]);
    const error = (() => {
      try {
        applyTextTransformations('/a', t('BASE64_DECODE'));
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CannotEvaluateError);
    expect(error!.name).toBe('CannotEvaluateError');
    expect(error!.message).toBe(`text transformation 'BASE64_DECODE' is not modelled (supported: ${SUPPORTED_TRANSFORMATIONS.join(', ')})`);
    // The names of Object's methods are no transformation (they once found the method and ran it on the input).
    for (const type of ['constructor', 'toString', '__proto__']) {
      expect(() => applyTextTransformations('/a', t(type))).toThrow(CannotEvaluateError);
    }
  });

  test('without transformations the input is inspected as it is', () => {
    expect(applyTextTransformations('/A%41')).toBe('/A%41');
  });
});
