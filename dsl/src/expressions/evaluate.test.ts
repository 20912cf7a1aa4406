import { describe, expect, it } from '@jest/globals';
import { validateAgent } from '../validate';
import { evaluateTemplate } from './evaluate';
import { parseTemplate } from './parse';

/** The reference semantics, checked against values worked out by hand. */
const scope = {
  inputs: {
    orders: [
      { name: '#1', total: '12.50', status: 'paid', tags: ['a'] },
      { name: '#2', total: '$1,000.25', status: 'open' },
      { name: '#3', total: null, status: 'paid', tags: ['a'] },
      { name: '#4', total: 7 },
    ],
    text: 'Crème brûlée 😀',
    i: 1,
  },
};
const evaluate = (source: string) =>
  evaluateTemplate(parseTemplate(`{{ ${source} }}`), scope, { now: () => Date.UTC(2026, 11, 2, 10) });

describe('reference evaluator', () => {
  it.each<[string, unknown]>([
    ["pluck(inputs.orders, 'name')", ['#1', '#2', '#3', '#4']],
    ["pluck(inputs.orders, 'missing')", [null, null, null, null]],
    ["sum(inputs.orders, 'total')", 12.5 + 1000.25 + 7],
    ["avg(inputs.orders, 'total')", (12.5 + 1000.25 + 7) / 3],
    ["min(inputs.orders, 'total')", 7],
    ["max(inputs.orders, 'total')", 1000.25],
    ["min(inputs.orders, 'missing')", null],
    ["pluck(where(inputs.orders, 'status', 'paid'), 'name')", ['#1', '#3']],
    ["pluck(where(inputs.orders, 'status', null), 'name')", ['#4']],
    ["pluck(where(inputs.orders, 'tags', ['a']), 'name')", ['#1', '#3']],
    // Numeric text sorts as a number; other text ('$1,000.25') after numbers; null last in both orders.
    ["pluck(sortBy(inputs.orders, 'total'), 'name')", ['#4', '#1', '#2', '#3']],
    ["pluck(sortBy(inputs.orders, 'total', 'desc'), 'name')", ['#2', '#1', '#4', '#3']],
    ["sortBy(['9.99', '100.00', 12.5, 'b', 'a', null, [1]], null)", ['9.99', 12.5, '100.00', 'a', 'b', [1], null]],
    ["unique(pluck(inputs.orders, 'status'))", ['paid', 'open', null]],
    ['length(inputs.text)', 14],
    ['truncate(inputs.text, 7)', 'Crème \u2026'],
    ['slice(inputs.text, -1)', '😀'],
    ["split('a😀b', '')", ['a', '😀', 'b']],
    ["number('$1,234.50') + number(true) + number(null)", 1235.5],
    ['round(1.005, 2)', 1.01],
    ['round(-2.5)', -3],
    ["money(1234.5, 'eur')", '€1,234.50'],
    ["money(5, 'dollars')", '5.00 dollars'],
    ['percent(0.0345, 1)', '3.5%'],
    ['inputs.orders[inputs.i].name', '#2'],
    ["inputs.orders[0]['total']", '12.50'],
    ['inputs.orders[9].name', undefined],
    ['inputs.orders[3].status == null', true],
    ["first(inputs.orders).tags == ['a']", true],
    ["contains(pluck(inputs.orders, 'tags'), ['a'])", true],
    ["contains('abc', null)", false],
    ['daysAgo(7)', '2026-11-25'],
    ['today()', '2026-12-02'],
    ['keys(first(inputs.orders))', ['name', 'total', 'status', 'tags']],
    ["default('', 'x') + default(0, 'y')", 'x0'],
  ])('%s is %j', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it('interpolates values into text as the compiled templates do (objects as JSON, null as nothing)', () => {
    const value = evaluateTemplate(
      parseTemplate('Order {{ inputs.orders[0].name }}: {{ inputs.orders[0].tags }} {{ inputs.none }}.'),
      scope,
    );
    expect(value).toBe('Order #1: ["a"] .');
  });

  it('reads own fields only: built-ins of JavaScript objects are not data', () => {
    expect(evaluate("pluck(inputs.orders, 'toString')")).toEqual([null, null, null, null]);
  });
});

describe('IFX317: field names expressions cannot read', () => {
  const agent = (expression: string) => `apiVersion: ionflux/v1
kind: Agent
metadata: { name: reserved, version: 1.0.0 }
spec:
  inputs:
    order: { type: object }
    list: { type: array }
  trigger: { manual: {} }
  steps:
    - { id: note, uses: notify, with: { title: "{{ ${expression} }}" } }
`;
  it.each([
    ['inputs.order.constructor', 'constructor'],
    ["inputs.order['__proto__']", "'__proto__'"],
    ["pluck(inputs.list, 'toString')", 'toString'],
    ["sum(inputs.list, 'arguments')", 'arguments'],
  ])('%s is refused at the name', (expression, name) => {
    const text = agent(expression);
    const diagnostics = validateAgent(text).diagnostics.filter((d) => d.code === 'IFX317');
    expect(diagnostics).toHaveLength(1);
    const line = text.split('\n')[9]!;
    const { start, end } = diagnostics[0]!.range;
    expect(start.line).toBe(10);
    expect(line.slice(start.col - 1, end.col - 1)).toBe(name);
  });

  it('accepts ordinary names, including ones that look like built-ins of other languages', () => {
    const codes = validateAgent(
      agent("pluck(inputs.list, 'name') + inputs.order.class + inputs.order.length"),
    ).diagnostics.map((d) => d.code);
    expect(codes).not.toContain('IFX317');
  });
});
