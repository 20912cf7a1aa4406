import fc from 'fast-check';
import { functionCatalog, type FunctionName } from '@ionflux/dsl';
import type { DifferentialCase } from './expression-differential';

/**
 * fast-check generators of DSL expressions over awkward data, for the expression differential: lists of objects
 * with missing fields, nulls, numbers as text, unicode, empty lists, wrong types, nested calls and operators.
 *
 * A generated expression is `{ source, values }`: `source` is DSL text in which `⟦i⟧` stands for a reference to
 * generated data `values[i]` (it becomes `inputs.data.<unique name>` when a batch is assembled).
 */
export interface GeneratedExpression {
  source: string;
  values: unknown[];
}

const MARK = /⟦(\d+)⟧/g;

/** Field names of generated objects. Names JavaScript objects inherit (`toString`) or n8n refuses (`constructor`)
 * are left out: the DSL checker reports those when written literally (IFX316). */
export const FIELD_NAMES = ['name', 'price', 'qty', 'x y', 'émoji 😀', '0', 'tags', 'a', ''];

const SPECIAL_TEXT = [
  '12.50',
  '$1,234.5',
  ' 7 ',
  '1e3',
  'abc',
  '',
  '-0.5',
  'Ünïcödé',
  '😀👍🏽',
  'a\nb',
  'null',
  '0',
  'USD',
  'eur',
  'é',
  'ß',
];

const text = fc.oneof(fc.constantFrom(...SPECIAL_TEXT), fc.string({ unit: 'grapheme', maxLength: 8 }));
const number = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);
export const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: number },
  { weight: 3, arbitrary: text },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELD_NAMES), scalar, { maxKeys: 2 }) },
);
export const record = fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { maxKeys: 5 });
export const listOfRecords = fc.array(fc.oneof({ weight: 8, arbitrary: record }, { weight: 1, arbitrary: scalar }), {
  maxLength: 7,
});
export const listOfScalars = fc.array(scalar, { maxLength: 7 });
export const anyData: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 3, arbitrary: listOfRecords },
  { weight: 2, arbitrary: listOfScalars },
  { weight: 2, arbitrary: record },
);

// ------------------------------------------------------------------------------------------ building expressions

const data = (value: fc.Arbitrary<unknown>): fc.Arbitrary<GeneratedExpression> =>
  value.map((v) => ({ source: '⟦0⟧', values: [v] }));

/** Joins generated parts into one expression, renumbering their data references. */
function combine(parts: GeneratedExpression[], render: (sources: string[]) => string): GeneratedExpression {
  const values: unknown[] = [];
  const sources = parts.map((part) => {
    const offset = values.length;
    values.push(...part.values);
    return part.source.replace(MARK, (_, i: string) => `⟦${Number(i) + offset}⟧`);
  });
  return { source: render(sources), values };
}

function dslString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}'`;
}

/** Text literals: no braces (they would end the `{{ }}`) and no data marks. */
const literalText = text.filter((t) => !/[{}⟦⟧]/.test(t));
const literal: fc.Arbitrary<GeneratedExpression> = fc
  .oneof(
    fc.integer({ min: 0, max: 1000 }).map(String),
    fc.double({ min: 0, max: 1e4, noNaN: true, noDefaultInfinity: true }).map((n) => String(n)),
    literalText.map(dslString),
    fc.constantFrom('true', 'false', 'null'),
  )
  .map((source) => ({ source, values: [] }));
const literalList: fc.Arbitrary<GeneratedExpression> = fc
  .array(literal, { maxLength: 4 })
  .map((items) => combine(items, (s) => `[${s.join(', ')}]`));

const fieldName: fc.Arbitrary<GeneratedExpression> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES).map((name) => ({ source: dslString(name), values: [] })) },
  { weight: 1, arbitrary: data(fc.constantFrom(...FIELD_NAMES)) },
);
const smallInteger: fc.Arbitrary<GeneratedExpression> = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((n) => ({ source: String(n), values: [] })),
  fc.integer({ min: 1, max: 6 }).map((n) => ({ source: `-${n}`, values: [] })),
  data(fc.oneof(fc.integer({ min: -8, max: 8 }), fc.constantFrom('2', 'x', null, 2.5))),
);

type ArgumentKind = 'any' | 'list' | 'text' | 'number' | 'field' | 'digits' | 'order' | 'currency' | 'listOrText';

/** The arguments each function takes, by kind (generators may still pass wrong types: that is part of the test). */
const ARGUMENTS: Record<FunctionName, ArgumentKind[]> = {
  length: ['any'],
  lower: ['text'],
  upper: ['text'],
  trim: ['text'],
  truncate: ['text', 'digits'],
  join: ['list', 'text'],
  split: ['text', 'text'],
  number: ['any'],
  string: ['any'],
  json: ['any'],
  round: ['number', 'digits'],
  sum: ['list', 'field'],
  avg: ['list', 'field'],
  min: ['list', 'field'],
  max: ['list', 'field'],
  pluck: ['list', 'field'],
  where: ['list', 'field', 'any'],
  sortBy: ['list', 'field', 'order'],
  unique: ['list'],
  first: ['list'],
  last: ['list'],
  slice: ['listOrText', 'digits', 'digits'],
  contains: ['listOrText', 'any'],
  keys: ['any'],
  default: ['any', 'any'],
  now: [],
  today: [],
  daysAgo: ['digits'],
  money: ['number', 'currency'],
  percent: ['number', 'digits'],
};

const LIST_FUNCTIONS: FunctionName[] = ['pluck', 'where', 'sortBy', 'unique', 'slice', 'split', 'keys'];
const NUMBER_FUNCTIONS: FunctionName[] = ['sum', 'avg', 'min', 'max', 'length', 'number', 'round'];
const TEXT_FUNCTIONS: FunctionName[] = ['lower', 'upper', 'trim', 'truncate', 'join', 'string', 'json', 'money'];

function argument(kind: ArgumentKind, depth: number): fc.Arbitrary<GeneratedExpression> {
  const nested = (names: FunctionName[]) =>
    depth > 0 ? [{ weight: 2, arbitrary: fc.constantFrom(...names).chain((name) => call(name, depth - 1)) }] : [];
  switch (kind) {
    case 'list':
      return fc.oneof(
        { weight: 5, arbitrary: data(listOfRecords) },
        { weight: 2, arbitrary: data(listOfScalars) },
        { weight: 1, arbitrary: literalList },
        { weight: 1, arbitrary: data(anyData) },
        ...nested(LIST_FUNCTIONS),
      );
    case 'listOrText':
      return fc.oneof(argument('list', depth), argument('text', depth));
    case 'text':
      return fc.oneof(
        { weight: 4, arbitrary: data(text) },
        { weight: 2, arbitrary: literalText.map((t) => ({ source: dslString(t), values: [] })) },
        { weight: 1, arbitrary: data(anyData) },
        ...nested(TEXT_FUNCTIONS),
      );
    case 'number':
      return fc.oneof(
        { weight: 4, arbitrary: data(fc.oneof(number, text, fc.constant(null), fc.boolean())) },
        { weight: 2, arbitrary: literal },
        ...nested(NUMBER_FUNCTIONS),
        ...(depth > 0 ? [{ weight: 1, arbitrary: operation(depth - 1) }] : []),
      );
    case 'field':
      return fieldName;
    case 'digits':
      return smallInteger;
    case 'order':
      return fc.oneof(
        fc.constantFrom("'asc'", "'desc'", "'DESC'").map((source) => ({ source, values: [] })),
        data(fc.constantFrom('asc', 'desc', null)),
      );
    case 'currency':
      return fc.oneof(
        fc.constantFrom("'USD'", "'eur'", "'JPY'", "'BRL'", "''", "'Kč'", "'usd '").map((source) => ({
          source,
          values: [],
        })),
        data(fc.oneof(fc.constantFrom('USD', 'gbp', 'XYZ', 'dollars', ''), fc.constant(null))),
      );
    case 'any':
      return expression(depth);
  }
}

/** A call of one function with generated arguments (optional ones sometimes left out). */
export function call(name: FunctionName, depth = 1): fc.Arbitrary<GeneratedExpression> {
  const { minArgs, maxArgs } = functionCatalog[name];
  const kinds = ARGUMENTS[name];
  if (name === 'now') {
    // now() changes every millisecond: compare its date (the engine and the reference read different clocks).
    return fc.constant({ source: 'slice(now(), 0, 10)', values: [] });
  }
  return fc
    .integer({ min: minArgs, max: maxArgs })
    .chain((count) => fc.tuple(...kinds.slice(0, count).map((kind) => argument(kind, depth))))
    .map((args) => combine(args, (sources) => `${name}(${sources.join(', ')})`));
}

const BINARY = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '??'];

/** Operands that often compare equal: null, missing fields, and lists or objects with the same content. */
const comparable: fc.Arbitrary<GeneratedExpression> = fc.oneof<fc.Arbitrary<GeneratedExpression>[]>(
  fc.constant<GeneratedExpression>({ source: 'null', values: [] }),
  fc.constant<GeneratedExpression>({ source: '⟦0⟧.missing', values: [{}] }),
  fc.constantFrom('1', "'1'", 'true', "''").map((source) => ({ source, values: [] })),
  data(fc.constantFrom(null, 1, '1', true, '', [1, 'a'], { a: 1 }, [], {})),
  fc.constant<GeneratedExpression>({ source: "[1, 'a']", values: [] }),
);

function operation(depth: number): fc.Arbitrary<GeneratedExpression> {
  const operand = expression(depth);
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc
        .tuple(comparable, fc.constantFrom('==', '!='), comparable)
        .map(([l, op, r]) => combine([l, r], ([a, b]) => `(${a} ${op} ${b})`)),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(operand, fc.constantFrom(...BINARY), operand)
        .map(([l, op, r]) => combine([l, r], ([a, b]) => `(${a} ${op} ${b})`)),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('!', '-'), operand).map(([op, e]) => combine([e], ([a]) => `${op}(${a})`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(operand, operand, operand)
        .map((parts) => combine(parts, ([t, c, a]) => `(${t} ? ${c} : ${a})`)),
    },
  );
}

/** Member and index access on data: fixed names, literal indexes and keys read from data. */
const access: fc.Arbitrary<GeneratedExpression> = fc.oneof(
  fc.tuple(record, fc.constantFrom(...FIELD_NAMES.filter((n) => /^[A-Za-z_]\w*$/.test(n)))).map(([r, name]) => ({
    source: `⟦0⟧.${name}`,
    values: [r],
  })),
  fc.tuple(listOfRecords, fc.integer({ min: 0, max: 7 })).map(([l, i]) => ({ source: `⟦0⟧[${i}]`, values: [l] })),
  fc.tuple(listOfRecords, fc.integer({ min: 0, max: 3 }), fc.constantFrom(...FIELD_NAMES)).map(([l, i, f]) => ({
    source: `⟦0⟧[${i}][${dslString(f)}]`,
    values: [l],
  })),
  fc
    .tuple(listOfRecords, fc.oneof(fc.integer({ min: -2, max: 7 }), fc.constantFrom('0', '1', 'length', null)))
    .map(([l, key]) => ({ source: '⟦0⟧[⟦1⟧]', values: [l, key] })),
  fc.tuple(record, fc.constantFrom(...FIELD_NAMES)).map(([r, key]) => ({ source: '⟦0⟧[⟦1⟧]', values: [r, key] })),
  fc.tuple(anyData, anyData).map(([r, key]) => ({ source: '⟦0⟧[⟦1⟧]', values: [r, key] })),
);

/** Any expression: data, literals, access, calls and operators, nested up to `depth`. */
export function expression(depth = 2): fc.Arbitrary<GeneratedExpression> {
  const leaves = [
    { weight: 3, arbitrary: data(anyData) },
    { weight: 2, arbitrary: literal },
    { weight: 1, arbitrary: literalList },
    { weight: 2, arbitrary: access },
  ];
  if (depth <= 0) return fc.oneof(...leaves);
  const names = Object.keys(functionCatalog) as FunctionName[];
  return fc.oneof(
    ...leaves,
    { weight: 3, arbitrary: fc.constantFrom(...names).chain((name) => call(name, depth - 1)) },
    { weight: 2, arbitrary: operation(depth - 1) },
  );
}

/** A whole-expression template (keeps the value's type) or text around it (interpolation). */
export function template(generated: fc.Arbitrary<GeneratedExpression>): fc.Arbitrary<GeneratedExpression> {
  return fc.tuple(generated, fc.constantFrom('whole', 'text')).map(([e, style]) => ({
    source: style === 'whole' ? `{{ ${e.source} }}` : `value: {{ ${e.source} }} (end)`,
    values: e.values,
  }));
}

/** Turns generated templates into cases with data names unique in the batch. */
export function toCases(generated: GeneratedExpression[]): DifferentialCase[] {
  return generated.map((g, c) => {
    const data: Record<string, unknown> = {};
    g.values.forEach((value, i) => {
      data[`c${c}_${i}`] = value;
    });
    return { template: g.source.replace(MARK, (_, i: string) => `inputs.data.c${c}_${i}`), data };
  });
}
