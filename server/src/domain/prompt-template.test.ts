import { describe, expect, it } from '@jest/globals';
import { extractVariables, renderTemplate } from './prompt-template';

describe('prompt templates', () => {
  it.each([
    ['Hi {{name}}', ['name']],
    ['{{ brand }} x {{product}} x {{brand}}', ['brand', 'product']],
    ['{{a.b}} {{c-d}} {{_e}}', ['a.b', 'c-d', '_e']],
    ['{{1bad}} {{ }} {name} {{{x}}}', ['x']],
    ['no variables', []],
  ])('extracts the variables of %j', (template, variables) => {
    expect(extractVariables(template)).toEqual(variables);
  });

  it('fills known variables and lists missing ones once', () => {
    expect(
      renderTemplate({
        template: 'For {{brand}}: {{product}} and {{product}} ({{tone}})',
        variables: { brand: 'Acme', tone: '$1 off' },
      }),
    ).toEqual({
      text: 'For Acme: {{product}} and {{product}} ($1 off)',
      missing: ['product'],
    });
  });

  it('does not read inherited properties as values', () => {
    expect(renderTemplate({ template: '{{constructor}}', variables: {} })).toEqual({
      text: '{{constructor}}',
      missing: ['constructor'],
    });
  });
});
