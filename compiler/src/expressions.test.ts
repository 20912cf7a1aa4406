import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { NUMBER, STRING, arrayOf, parseExpression, union, NULL, type Expression } from '@ionflux/dsl';
import {
  FUNCTIONS,
  INTERPOLATE,
  FIELD_ACCESS,
  EQUALS,
  NOT_EQUALS,
  jsString,
  lowerExpression,
  lowerValue,
  n8nExpression,
  n8nTemplate,
  parameterValue,
  type ExpressionScope,
} from './expressions';
import {
  expressionBody,
  liftExpression,
  liftParameter,
  liftTemplate,
  splitN8nTemplate,
  type LiftContext,
} from './lift';
import { toValueIR } from './normalize';

/** Node outputs the fake `$()` serves, as n8n's data proxy would. */
const nodeData: Record<string, Record<string, unknown>> = {
  Inputs: {
    inputs: { threshold: 100, keywords: ['a', 'b'], name: 'Ada' },
    trigger: {
      order: { total_price: '150.00', name: '#1001', customer: null, line_items: [{ price: '10.50' }, { price: '4' }] },
    },
    connections: { store: { name: 'store', type: 'shopify', account: 'demo.myshopify.com' } },
  },
  Fetch: {
    orders: [
      { total: 5, status: 'paid' },
      { total: 7, status: 'open' },
      { total: 3, status: 'paid' },
    ],
    count: 3,
  },
};

const scope: ExpressionScope = {
  inputsNode: 'Inputs',
  stepOutput: (id) => `$(${jsString(id === 'fetch' ? 'Fetch' : id)}).first().json`,
  variable: () => undefined,
};

/** Evaluates generated JavaScript the way n8n does: an expression with `$` in scope. */
function evaluate(js: string): unknown {
  const $ = (name: string) => ({
    first: () => ({ json: nodeData[name] }),
    item: { json: nodeData[name] },
    isExecuted: name in nodeData,
  });
  return new Function('$', `return (${js});`)($);
}

function run(source: string): unknown {
  const { expression, problem } = parseExpression(source);
  if (!expression) throw new Error(problem?.message);
  return evaluate(lowerExpression(expression, scope));
}

describe('lowered expressions compute what the DSL says', () => {
  it.each<[string, unknown]>([
    ['inputs.threshold + 1', 101],
    ['number(trigger.order.total_price) > inputs.threshold', true],
    ["trigger.order.total_price == '150.00'", true],
    ['trigger.order.customer.email', undefined],
    ["default(trigger.order.customer.email, 'guest')", 'guest'],
    ['length(steps.fetch.output.orders)', 3],
    ["sum(steps.fetch.output.orders, 'total')", 15],
    ["avg(steps.fetch.output.orders, 'total')", 5],
    ["min(steps.fetch.output.orders, 'total')", 3],
    ["max(steps.fetch.output.orders, 'total')", 7],
    ["sum(pluck(trigger.order.line_items, 'price'))", 14.5],
    ["pluck(where(steps.fetch.output.orders, 'status', 'paid'), 'total')", [5, 3]],
    ["pluck(sortBy(steps.fetch.output.orders, 'total', 'desc'), 'total')", [7, 5, 3]],
    ["join(inputs.keywords, ' / ')", 'a / b'],
    ['join(inputs.keywords)', 'a, b'],
    ["split('a,b', ',')", ['a', 'b']],
    ["upper(inputs.name) + lower('X') + trim('  y ')", 'ADAxy'],
    ["truncate('abcdef', 4)", 'abc…'],
    ["contains(inputs.keywords, 'b') && contains('hello', 'ell')", true],
    ['unique([1, 1, 2])', [1, 2]],
    ['first(inputs.keywords) + last(inputs.keywords)', 'ab'],
    ['slice(inputs.keywords, 1)', ['b']],
    ['keys(connections.store)', ['name', 'type', 'account']],
    ['round(2.345, 2)', 2.35],
    ["number('$1,234.50')", 1234.5],
    ["number('n/a')", 0],
    ["money(1234.5, 'USD')", '$1,234.50'],
    ['percent(0.0345, 1)', '3.5%'],
    ['json([1])', '[1]'],
    ['string(null) + string(3)', '3'],
    ['inputs.threshold > 50 ? "big" : "small"', 'big'],
    ['trigger.order.missing ?? 5', 5],
    ['!(1 > 2) && -inputs.threshold < 0', true],
    ["steps.fetch.output.orders[1]['status']", 'open'],
    ['10 % 4 * 2 - 1', 3],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('today(), daysAgo() and now() are dates', () => {
    expect(run('today()')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(run('daysAgo(7) < today()')).toBe(true);
    expect(run('now()')).toMatch(/T.*Z$/);
  });

  it('templates interpolate values as text (objects as JSON, null as nothing)', () => {
    const value = toValueIR('Order {{ trigger.order.name }} {{ trigger.order.customer }}{{ inputs.keywords }}!');
    expect(evaluate(lowerValue(value, scope))).toBe('Order #1001 ["a","b"]!');
  });
});

describe('n8n parameter values', () => {
  it('never let literal text be evaluated by n8n', () => {
    expect(parameterValue(toValueIR('=1+1'), scope)).toBe('={{ "=1+1" }}');
    expect(parameterValue(toValueIR('plain text'), scope)).toBe('plain text');
    expect(parameterValue({ kind: 'literal', value: 'a {{ b }}' }, scope)).toBe(
      '={{ "a \\u007b\\u007b b \\u007d\\u007d" }}',
    );
  });

  it('keep braces out of generated code text', () => {
    const js = lowerValue(toValueIR("{{ '}}{{' + inputs.name }}"), scope);
    expect(n8nExpression(js)).not.toMatch(/\{\{[\s\S]*\{\{|\}\}[\s\S]*\}\}/);
    expect(evaluate(js)).toBe('}}{{Ada');
  });

  it('give structured literals as JSON text when the parameter takes JSON', () => {
    expect(parameterValue(toValueIR(['a', 'b']), scope, { json: true })).toBe('[\n  "a",\n  "b"\n]');
    expect(evaluate(lowerValue(toValueIR({ a: ['{{ inputs.name }}', 2] }), scope))).toEqual({ a: ['Ada', 2] });
  });
});

describe('lifting n8n expressions back to the DSL', () => {
  const context: LiftContext = {
    resolveNode: (name) =>
      name === 'Inputs' ? { kind: 'inputs' } : name === 'Fetch' ? { kind: 'step', id: 'fetch' } : undefined,
  };
  const roundTrip = (source: string) => {
    const { expression } = parseExpression(source);
    return liftExpression(lowerExpression(expression!, scope), context);
  };

  it.each([
    'inputs.threshold',
    'steps.fetch.output.orders[0].total',
    'number(trigger.order.total_price) > inputs.threshold * 2 && !inputs.flag',
    "sum(steps.fetch.output.orders, 'total') / length(steps.fetch.output.orders)",
    '(1 + 2) * 3',
    '1 - (2 - 3)',
    "a ? 'x' : b ?? 'y'".replace(/\ba\b/, 'inputs.a').replace(/\bb\b/, 'inputs.b'),
    'first(steps.fetch.output.orders).total',
    "trigger.order['total-price']",
    '[1, inputs.x, -2]',
  ])('%s', (source) => {
    const lifted = roundTrip(source);
    expect(lowerExpression(parseExpression(lifted).expression!, scope)).toBe(
      lowerExpression(parseExpression(source).expression!, scope),
    );
  });

  it('rebuilds templates and refuses JavaScript it does not know', () => {
    const js = lowerValue(toValueIR('Hi {{ inputs.name }}, {{ length(steps.fetch.output.orders) }} orders'), scope);
    expect(liftParameter(js, context)).toBe('Hi {{ inputs.name }}, {{ length(steps.fetch.output.orders) }} orders');
    expect(() => liftParameter('$json.items.map(i => i.id)', context)).toThrow();
    expect(() => liftParameter('$("Elsewhere").first().json.x', context)).toThrow(/not a step/);
  });

  it('has one inline function per DSL function, distinct from text interpolation', () => {
    const sources = Object.values(FUNCTIONS);
    expect(new Set(sources).size).toBe(sources.length);
    for (const helper of [INTERPOLATE, FIELD_ACCESS, EQUALS, NOT_EQUALS]) expect(sources).not.toContain(helper);
  });

  it('round-trips random expressions (seeded)', () => {
    const leaf = fc.oneof(
      fc.constantFrom(
        'inputs.threshold',
        'inputs.name',
        'steps.fetch.output.count',
        'trigger.order.total_price',
        "'text'",
        '3',
        'true',
        'null',
      ),
      fc.integer({ min: 0, max: 99 }).map(String),
    );
    const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||', '??'), tie('e'))
          .map(([a, op, b]) => `(${a} ${op} ${b})`),
        tie('e').map((a) => `!${a}`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
        fc
          .tuple(fc.constantFrom('number', 'string', 'length', 'upper', 'default'), tie('e'), tie('e'))
          .map(([f, a, b]) => (f === 'default' ? `default(${a}, ${b})` : `${f}(${a})`)),
        fc.array(leaf, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
      ),
    })).e;
    fc.assert(
      fc.property(expression, (source) => {
        const parsed = parseExpression(source).expression as Expression;
        const js = lowerExpression(parsed, scope);
        const lifted = liftExpression(js, context);
        expect(lowerExpression(parseExpression(lifted).expression!, scope)).toBe(js);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe("text templates in n8n's own form", () => {
  const context: LiftContext = {
    resolveNode: (name) => (name === 'Inputs' ? { kind: 'inputs' } : undefined),
  };
  /** A template whose interpolations have the given types (as the checker would record them). */
  const typed = (text: string, types: (ReturnType<typeof union> | undefined)[]) => {
    const value = toValueIR(text);
    if (value.kind !== 'template') throw new Error('not a template');
    let next = 0;
    for (const part of value.parts) if ('expression' in part && types[next++]) part.type = types[next - 1]!;
    return value;
  };

  it('leaves typed text, numbers and null bare and keeps textOf for lists, objects and unknown values', () => {
    const value = typed('Order {{ inputs.name }} for {{ inputs.threshold }}: {{ inputs.keywords }} {{ inputs.x }}', [
      union([STRING, NULL]),
      NUMBER,
      arrayOf(STRING),
      undefined,
    ]);
    expect(parameterValue(value, scope)).toBe(
      '=Order {{ $("Inputs").first().json.inputs?.name }} for {{ $("Inputs").first().json.inputs?.threshold }}: ' +
        `{{ ${INTERPOLATE}($("Inputs").first().json.inputs?.keywords) }} {{ ${INTERPOLATE}($("Inputs").first().json.inputs?.x) }}`,
    );
  });

  it('keeps textOf for a number computed with arithmetic (NaN reads "NaN" in the DSL, nothing in n8n)', () => {
    const value = typed('{{ inputs.threshold / 0 }} items', [NUMBER]);
    expect(parameterValue(value, scope)).toBe(
      `={{ ${INTERPOLATE}(($("Inputs").first().json.inputs?.threshold / 0)) }} items`,
    );
  });

  it('writes the JavaScript form when the text has braces or backslashes', () => {
    for (const text of ['a { {{ inputs.name }}', '{{ inputs.name }} }', 'C:\\dir {{ inputs.name }}']) {
      const value = typed(text, [STRING]);
      expect(n8nTemplate(value.kind === 'template' ? value.parts : [], scope)).toBeUndefined();
      expect(parameterValue(value, scope)).toMatch(/^=\{\{ [\s\S]* \}\}$/);
    }
  });

  it('splits n8n expressions as n8n does', () => {
    expect(splitN8nTemplate('a {{ x }} b {{ y }}')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'code', code: ' x ' },
      { kind: 'text', text: ' b ' },
      { kind: 'code', code: ' y ' },
    ]);
    expect(splitN8nTemplate('\\{{ x }}')).toEqual([{ kind: 'text', text: '\\{{ x }}' }]);
    expect(splitN8nTemplate('{{ x')).toEqual([
      { kind: 'text', text: '' },
      { kind: 'code', code: ' x' },
    ]);
  });

  it('reads one whole expression, not a template that starts and ends with one', () => {
    expect(expressionBody('={{ $json.a }}  ')).toBe('$json.a');
    expect(expressionBody('={{ $json.a }} and {{ $json.b }}')).toBeUndefined();
    expect(expressionBody('=plain')).toBeUndefined();
  });

  it('lifts a template back, bare and wrapped interpolations alike, as typed in n8n or compiled', () => {
    const value = typed('Hi {{ inputs.name }}, {{ inputs.keywords }}!', [STRING, undefined]);
    expect(liftTemplate(parameterValue(value, scope), context)).toBe('Hi {{ inputs.name }}, {{ inputs.keywords }}!');
    expect(
      liftTemplate('={{ $("Inputs").first().json.inputs.a }} and {{ $("Inputs").first().json.inputs.b }}', context),
    ).toBe('{{ inputs.a }} and {{ inputs.b }}');
    expect(liftTemplate('={{ $("Inputs").first().json.inputs.a }}', context)).toBeUndefined();
  });
});
