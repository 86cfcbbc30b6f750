import { describe, expect, it } from 'vitest';
import { checkSubstitutions, substitute } from '../../../local/cloudbuild/apply-substitutions.js';

describe('substitute', () => {
  const values = { _TAG: 'v1.2.3', PROJECT_ID: 'p', _A: 'a' };
  it.each([
    ['$_TAG', 'v1.2.3'],
    ['${_TAG}-x', 'v1.2.3-x'],
    ['$_TAGx', 'v1.2.3x'],
    ['$_TAGX', ''],
    ['$$_TAG', '$_TAG'],
    ['$$$_TAG', '$v1.2.3'],
    ['$$$$', '$$'],
    ['cost: $5 $lower', 'cost: $5 $lower'],
    ['gs://$PROJECT_ID/${_A}$_A', 'gs://p/aa'],
  ])('%s → %s', (input, output) => {
    expect(substitute(input, values)).toBe(output);
  });
});

describe('checkSubstitutions', () => {
  it.each([
    { templates: ['$_A'], subs: { _A: '1' }, loose: false, error: undefined },
    { templates: ['$$_A'], subs: {}, loose: false, error: undefined },
    { templates: ['$TAG_NAME'], subs: {}, loose: false, error: undefined },
    {
      templates: ['x'],
      subs: { _A: '1' },
      loose: false,
      error: 'key "_A" in the substitution data is not matched',
    },
    { templates: ['x'], subs: { _A: '1' }, loose: true, error: undefined },
    { templates: ['$_B'], subs: {}, loose: false, error: 'key in the template "_B" is not matched' },
    {
      templates: ['$HOME'],
      subs: {},
      loose: true,
      error: 'key in the template "HOME" is not a valid built-in',
    },
    {
      templates: ['$_a'],
      subs: { a: '1' },
      loose: true,
      error: 'substitution key "a" does not respect format',
    },
  ])('$templates with $subs (loose: $loose)', ({ templates, subs, loose, error }) => {
    const result = checkSubstitutions(templates, subs, loose);
    if (error === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(error);
  });
});
