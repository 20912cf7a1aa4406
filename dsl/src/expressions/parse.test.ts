import { describe, expect, it } from '@jest/globals';
import { asReferencePath } from './ast';
import { parseExpression, parseTemplate } from './parse';

describe('parseExpression', () => {
  it('parses paths, calls and operators with precedence', () => {
    const { expression } = parseExpression('number(trigger.order.total_price) > inputs.threshold * 2 && !flag');
    expect(expression).toMatchObject({
      kind: 'binary',
      operator: '&&',
      left: {
        kind: 'binary',
        operator: '>',
        left: { kind: 'call', callee: 'number' },
        right: {
          kind: 'binary',
          operator: '*',
          left: { kind: 'member', property: 'threshold' },
          right: { kind: 'literal', value: 2 },
        },
      },
      right: { kind: 'unary', operator: '!', operand: { kind: 'identifier', name: 'flag' } },
    });
  });

  it('normalizes === to == and keeps offsets relative to the enclosing string', () => {
    const { expression } = parseExpression(' a === "x" ', 10);
    expect(expression).toMatchObject({ kind: 'binary', operator: '==', start: 11, end: 20 });
  });

  it('parses conditionals, ?? and list literals', () => {
    expect(parseExpression("a ? [1, 'b'] : x ?? 3").expression).toMatchObject({
      kind: 'conditional',
      consequent: { kind: 'array', items: [{ value: 1 }, { value: 'b' }] },
      alternate: { kind: 'binary', operator: '??' },
    });
  });

  it.each([
    ['1 +', 'IFX400'],
    ['a.', 'IFX400'],
    ['(a', 'IFX400'],
    ["'open", 'IFX400'],
    ['a b', 'IFX400'],
    ['   ', 'IFX404'],
    ['nope(1)', 'IFX402'],
    ['upper(1, 2)', 'IFX403'],
    ['a.toUpperCase()', 'IFX405'],
    ['a = 1', 'IFX405'],
    ['x => x', 'IFX405'],
    ['`t`', 'IFX405'],
    ['{a: 1}', 'IFX405'],
    ['a & b', 'IFX405'],
    ['new Date()', 'IFX405'],
    [`${'('.repeat(40)}1${')'.repeat(40)}`, 'IFX400'],
  ])('reports %s as %s', (source, code) => {
    expect(parseExpression(source).problem?.code).toBe(code);
  });

  it('suggests the function a method call meant', () => {
    expect(parseExpression('name.toLowerCase()').problem).toMatchObject({
      code: 'IFX405',
      suggestion: 'lower',
      start: 5,
      end: 16,
    });
  });

  it('exposes reference paths', () => {
    const { expression } = parseExpression("steps.fetch.output.orders[0]['name']");
    expect(asReferencePath(expression!)).toMatchObject({
      root: 'steps',
      segments: [{ name: 'fetch' }, { name: 'output' }, { name: 'orders' }, { name: 0 }, { name: 'name' }],
    });
    expect(asReferencePath(parseExpression('upper(a.b)').expression!)).toBeUndefined();
  });
});

describe('parseTemplate', () => {
  it('splits literal text and expressions', () => {
    const template = parseTemplate('Order {{ trigger.order.name }} for {{ total }}');
    expect(template.isWholeExpression).toBe(false);
    expect(template.parts.map((p) => p.kind)).toEqual(['text', 'expression', 'text', 'expression']);
    expect(template.parts[1]).toMatchObject({ start: 6, end: 30, source: ' trigger.order.name ' });
  });

  it('recognizes a whole-value expression (surrounding spaces allowed)', () => {
    expect(parseTemplate('  {{ steps.a.output }} ').isWholeExpression).toBe(true);
    expect(parseTemplate('{{ a }}{{ b }}').isWholeExpression).toBe(false);
  });

  it("does not close an expression on '}}' inside quotes", () => {
    const template = parseTemplate("{{ '}}' + x }} tail");
    expect(template.problems).toEqual([]);
    expect(template.parts[0]).toMatchObject({ kind: 'expression', source: " '}}' + x " });
  });

  it('reports an unclosed expression and keeps going', () => {
    const template = parseTemplate('a {{ b }} c {{ d');
    expect(template.problems).toEqual([{ code: 'IFX401', message: expect.any(String), start: 12, end: 16 }]);
  });

  it('leaves text without braces alone', () => {
    expect(parseTemplate('=1+1 and ={{').problems[0]?.code).toBe('IFX401');
    expect(parseTemplate('=1+1').parts).toEqual([{ kind: 'text', text: '=1+1', start: 0, end: 4 }]);
  });
});
