import { describe, expect, it, jest } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020';
import { Composer } from 'yaml';
import { diagnosticCatalog, formatMessage, type DiagnosticMessage } from '../diagnostics';
import { parseExpression } from '../expressions/parse';
import { validateAgent } from '../validate';
import { mapSchemaError } from '../validate-schema';

/**
 * Every message of the diagnostics catalog, produced by a real code path: one small agent per (code, messageId),
 * in the style of typescript-eslint's RuleTester. Several rows may share a messageId when more than one construct
 * reports it. The decompiler's messages (IFX6xx) have their table in the compiler (compiler/src/decompile.test.ts),
 * which reads workflows; the DSL cannot produce them.
 */

const HEAD = 'apiVersion: ionflux/v1\nkind: Agent\nmetadata: { name: demo, version: 1.0.0 }\nspec:\n';

function agent({
  before = '',
  trigger = '{ manual: {} }',
  steps,
  after = '',
}: {
  before?: string;
  trigger?: string;
  steps: string;
  after?: string;
}): string {
  return `${HEAD}${before}  trigger: ${trigger}\n  steps:\n${steps}${after}`;
}

const note = (title: string, extra = '') => `    - { id: note, uses: notify, with: { title: "${title}" }${extra} }\n`;
const store = '  connections: { store: { type: shopify } }\n';
const fetchOrders = '    - { id: fetch, uses: shopify.orders.list }\n';

const HEADER = 'apiVersion: ionflux/v1\nkind: Agent\nmetadata: { name: demo, version: 1.0.0 }\n';

/** An otherwise valid agent whose `with` of a notify step is `params`. */
const notifyWith = (params: string) => agent({ steps: `    - { id: note, uses: notify, with: { ${params} } }\n` });

/** yaml's composer failing as it never should (a stack overflow, a bug): the parser's last line of defence. */
function composerThrows(error: Error): () => () => void {
  return () => {
    const spy = jest.spyOn(Composer.prototype, 'compose').mockImplementation(() => {
      throw error;
    });
    return () => spy.mockRestore();
  };
}

interface MessageCase {
  code: string;
  messageId: string;
  /** The agent text given to `validateAgent` (not always a string: callers may pass anything). */
  text?: unknown;
  /** Instead of an agent: the diagnostics a public function reports for a real input. */
  produce?: () => { code: string; message: string }[];
  /** Set up before validating; returns the undo. */
  arrange?: () => () => void;
}

const messageCases: MessageCase[] = [
  // IFX1xx: parsing
  { code: 'IFX100', messageId: 'notText', text: 42 },
  { code: 'IFX100', messageId: 'yamlSyntax', text: `${HEADER}spec:\n  steps: [\n` },
  { code: 'IFX100', messageId: 'nonStringKey', text: `${HEADER}? [a, b]\n: 1\n` },
  { code: 'IFX100', messageId: 'unresolvedAlias', text: `${HEADER}spec: *nowhere\n` },
  { code: 'IFX100', messageId: 'unreadable', text: HEADER, arrange: composerThrows(new Error('a bug in yaml')) },
  { code: 'IFX101', messageId: 'duplicateKey', text: `apiVersion: ionflux/v1\n${HEADER}` },
  { code: 'IFX101', messageId: 'duplicateKey', text: `${HEADER}spec: { steps: [], steps: [] }\n` },
  {
    code: 'IFX102',
    messageId: 'aliasBomb',
    text: `a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: &e [*d, *d]\nf: &f [*e, *e]\ng: &g [*f, *f]\nh: [*g, *g]\n`,
  },
  { code: 'IFX103', messageId: 'tooLarge', text: `${HEADER}# ${'x'.repeat(1024 * 1024)}\n` },
  { code: 'IFX104', messageId: 'tooDeep', text: `a: ${'['.repeat(70)}${']'.repeat(70)}\n` },
  {
    code: 'IFX104',
    messageId: 'stackOverflow',
    text: HEADER,
    arrange: composerThrows(new RangeError('Maximum call stack size exceeded')),
  },
  { code: 'IFX105', messageId: 'multipleDocuments', text: `${HEADER}---\nkind: Agent\n` },
  { code: 'IFX106', messageId: 'empty', text: '# nothing here\n' },
  { code: 'IFX106', messageId: 'empty', text: '' },
  { code: 'IFX107', messageId: 'unsupportedTag', text: `${HEADER}spec: !!js/function "x"\n` },
  // IFX2xx: the schema
  {
    code: 'IFX200',
    messageId: 'wrongType',
    text: agent({ before: store, steps: '    - { id: fetch, uses: shopify.orders.list, with: { limit: many } }\n' }),
  },
  { code: 'IFX200', messageId: 'wrongType', text: notifyWith('title: [a, b]') },
  {
    // The agent schema uses no keyword the mapping leaves to Ajv's wording; a schema that does shows the fallback.
    code: 'IFX200',
    messageId: 'schemaRule',
    produce: () => {
      const validate = new Ajv2020({ allErrors: true }).compile({
        type: 'object',
        properties: { retries: { type: 'integer', multipleOf: 2 } },
      });
      const value = { retries: 3 };
      validate(value);
      return (validate.errors ?? []).flatMap((error) => {
        const mapped = mapSchemaError(error, value);
        return mapped ? [{ code: mapped.code, message: formatMessage(mapped) }] : [];
      });
    },
  },
  {
    code: 'IFX201',
    messageId: 'missingProperty',
    text: 'apiVersion: ionflux/v1\nkind: Agent\nmetadata: { version: 1.0.0 }\nspec: { trigger: { manual: {} }, steps: [] }\n',
  },
  { code: 'IFX202', messageId: 'unknownProperty', text: notifyWith('titel: Hi') },
  { code: 'IFX202', messageId: 'unknownPropertyAllowed', text: notifyWith('title: Hi, colour: red') },
  { code: 'IFX203', messageId: 'notAllowed', text: notifyWith('title: Hi, level: warnin') },
  { code: 'IFX203', messageId: 'notAllowedListed', text: notifyWith('title: Hi, level: urgent') },
  {
    code: 'IFX203',
    messageId: 'notAllowedLong',
    text: agent({
      before: '  connections: { store: { type: shopify, scopes: [write_everything] } }\n',
      steps: fetchOrders,
    }),
  },
  {
    code: 'IFX204',
    messageId: 'invalidFormat',
    text: 'apiVersion: ionflux/v1\nkind: Agent\nmetadata: { name: Demo Agent, version: 1.0.0 }\nspec: { trigger: { manual: {} }, steps: [] }\n',
  },
  {
    code: 'IFX204',
    messageId: 'invalidFormatUndescribed',
    text: `apiVersion: ionflux/v1\nkind: Agent\nmetadata: { name: demo, version: 1.0.0, tags: [Sales Team] }\nspec:\n  trigger: { manual: {} }\n  steps:\n${note('Hi')}`,
  },
  {
    code: 'IFX204',
    messageId: 'notWholeExpression',
    text: agent({ steps: '    - id: each\n      forEach: "all {{ [1, 2] }}"\n      steps:\n    ' + note('Hi') }),
  },
  { code: 'IFX205', messageId: 'emptyTrigger', text: agent({ trigger: '{}', steps: note('Hi') }) },
  {
    code: 'IFX205',
    messageId: 'severalTriggers',
    text: agent({ trigger: '{ manual: {}, webhook: {} }', steps: note('Hi') }),
  },
  { code: 'IFX205', messageId: 'outOfRange', text: agent({ steps: note('Hi', ', retries: { max: 50 }') }) },
  {
    code: 'IFX205',
    messageId: 'repeatedItem',
    text: agent({
      before: '  connections: { store: { type: shopify, scopes: [read_orders, read_orders] } }\n',
      steps: fetchOrders,
    }),
  },
  { code: 'IFX206', messageId: 'stepWithoutKind', text: agent({ steps: '    - { id: nothing }\n' }) },
  {
    code: 'IFX206',
    messageId: 'stepKindsCombined',
    text: agent({ steps: '    - { id: note, uses: notify, with: { title: Hi }, forEach: "{{ [1] }}" }\n' }),
  },
  {
    code: 'IFX207',
    messageId: 'unsupportedValue',
    text: `apiVersion: ionflux/v2\nkind: Agent\nmetadata: { name: demo, version: 1.0.0 }\nspec:\n  trigger: { manual: {} }\n  steps:\n${note('Hi')}`,
  },
  {
    code: 'IFX207',
    messageId: 'unsupportedValueListed',
    text: `apiVersion: ionflux/v1\nkind: Workflow\nmetadata: { name: demo, version: 1.0.0 }\nspec:\n  trigger: { manual: {} }\n  steps:\n${note('Hi')}`,
  },
  {
    code: 'IFX305',
    messageId: 'unknownAction',
    text: agent({ steps: '    - { id: note, uses: notfy, with: { title: Hi } }\n' }),
  },
  {
    code: 'IFX305',
    messageId: 'unknownActionUnmatched',
    text: agent({ steps: '    - { id: note, uses: fax.send, with: { title: Hi } }\n' }),
  },
  // IFX4xx: expressions
  { code: 'IFX400', messageId: 'afterNumber', text: agent({ steps: note('{{ 1a }}') }) },
  {
    // Templates only close outside quotes, so an open quote reaches the template as IFX401; a bare expression shows it.
    code: 'IFX400',
    messageId: 'unterminatedText',
    produce: () => [parseExpression("'unfinished")].flatMap(({ problem }) => (problem ? [problem] : [])),
  },
  { code: 'IFX400', messageId: 'unexpectedCharacter', text: agent({ steps: note('{{ 1 # 2 }}') }) },
  { code: 'IFX400', messageId: 'afterEnd', text: agent({ steps: note('{{ 1 2 }}') }) },
  { code: 'IFX400', messageId: 'expectedBeforeEnd', text: agent({ steps: note('{{ (1 + 2 }}') }) },
  { code: 'IFX400', messageId: 'expectedFound', text: agent({ steps: note('{{ (1 + 2] }}') }) },
  { code: 'IFX400', messageId: 'tooDeep', text: agent({ steps: note(`{{ ${'('.repeat(40)}1${')'.repeat(40)} }}`) }) },
  { code: 'IFX400', messageId: 'tooDeep', text: agent({ steps: note(`{{ ${'!'.repeat(40)}true }}`) }) },
  { code: 'IFX400', messageId: 'unexpectedToken', text: agent({ steps: note('{{ ) }}') }) },
  { code: 'IFX400', messageId: 'endsEarly', text: agent({ steps: note('{{ 1 + }}') }) },
  { code: 'IFX400', messageId: 'missingFieldName', text: agent({ steps: note('{{ inputs. }}') }) },
  { code: 'IFX400', messageId: 'expectedFieldName', text: agent({ steps: note('{{ inputs.(x) }}') }) },
  { code: 'IFX400', messageId: 'tooLong', text: agent({ steps: note(`{{ ${'1 + '.repeat(1001)}1 }}`) }) },
  { code: 'IFX401', messageId: 'unclosed', text: agent({ steps: note('{{ 1 + 1') }) },
  { code: 'IFX402', messageId: 'unknownFunction', text: agent({ steps: note("{{ uppercase('a') }}") }) },
  { code: 'IFX403', messageId: 'argumentCount', text: agent({ steps: note('{{ upper() }}') }) },
  { code: 'IFX404', messageId: 'empty', text: agent({ steps: note('{{ }}') }) },
  { code: 'IFX405', messageId: 'assignment', text: agent({ steps: note('{{ x = 1 }}') }) },
  { code: 'IFX405', messageId: 'arrowFunction', text: agent({ steps: note('{{ x => x }}') }) },
  { code: 'IFX405', messageId: 'templateLiteral', text: agent({ steps: note('{{ `a` }}') }) },
  { code: 'IFX405', messageId: 'objectLiteral', text: agent({ steps: note('{{ {a: 1} }}') }) },
  { code: 'IFX405', messageId: 'bitwise', text: agent({ steps: note('{{ 1 & 2 }}') }) },
  { code: 'IFX405', messageId: 'unaryPlus', text: agent({ steps: note('{{ +1 }}') }) },
  { code: 'IFX405', messageId: 'keyword', text: agent({ steps: note('{{ typeof 1 }}') }) },
  { code: 'IFX405', messageId: 'method', text: agent({ steps: note("{{ 'a'.toUpperCase() }}") }) },
  { code: 'IFX405', messageId: 'unknownMethod', text: agent({ steps: note("{{ 'a'.shout() }}") }) },
  { code: 'IFX405', messageId: 'call', text: agent({ steps: note('{{ (1)(2) }}') }) },
  // IFX2xx to IFX5xx reported by the checker
  {
    code: 'IFX203',
    messageId: 'reservedInput',
    text: agent({ before: '  inputs: { steps: { type: string, default: x } }\n', steps: note('{{ inputs.steps }}') }),
  },
  {
    code: 'IFX203',
    messageId: 'unknownTimezone',
    text: agent({ trigger: '{ schedule: { cron: "0 9 * * *", timezone: Europe/Pari } }', steps: note('Hi') }),
  },
  {
    code: 'IFX203',
    messageId: 'reservedLoopVariable',
    text: agent({
      steps: '    - id: each\n      forEach: "{{ [1, 2] }}"\n      as: trigger\n      steps:\n' + '    ' + note('Hi'),
    }),
  },
  {
    code: 'IFX203',
    messageId: 'loopVariableClash',
    text: agent({
      steps:
        '    - id: each\n      forEach: "{{ [1, 2] }}"\n      as: note\n      steps:\n' + '    ' + note('{{ note }}'),
    }),
  },
  {
    code: 'IFX205',
    messageId: 'fixedRetriesMax',
    text: agent({ steps: note('Hi', ', retries: { max: 6, backoff: fixed }') }),
  },
  {
    code: 'IFX205',
    messageId: 'fixedRetriesDelay',
    text: agent({ steps: note('Hi', ', retries: { max: 2, delay: 10s, backoff: fixed }') }),
  },
  {
    code: 'IFX205',
    messageId: 'fixedRetriesMax',
    text: agent({ before: '  policy: { retries: { max: 8, backoff: fixed } }\n', steps: note('Hi') }),
  },
  {
    code: 'IFX300',
    messageId: 'duplicateStepId',
    text: agent({ steps: note('A') + note('B') }),
  },
  {
    code: 'IFX300',
    messageId: 'duplicateStepId',
    text: agent({
      steps: note('A', ', onError: { goto: h }'),
      after: '  handlers:\n    h:\n      - id: each\n        forEach: "{{ [1] }}"\n        steps:\n      ' + note('B'),
    }),
  },
  {
    code: 'IFX301',
    messageId: 'unknownInput',
    text: agent({
      before: '  inputs: { threshold: { type: number, default: 100 } }\n',
      steps: note('Over {{ inputs.treshold }}'),
    }),
  },
  {
    code: 'IFX302',
    messageId: 'unknownStep',
    text: agent({ steps: fetchOrders + note('{{ steps.fetc.output.count }}'), before: store }),
  },
  {
    code: 'IFX303',
    messageId: 'laterStep',
    text: agent({ before: store, steps: note('{{ steps.fetch.output.count }}') + fetchOrders }),
  },
  {
    code: 'IFX303',
    messageId: 'ownOutput',
    text: agent({ steps: note('{{ steps.note.output.count }}') }),
  },
  {
    code: 'IFX304',
    messageId: 'unknownConnection',
    text: agent({ before: store, steps: '    - { id: fetch, uses: shopify.orders.list, connection: shop }\n' }),
  },
  {
    code: 'IFX304',
    messageId: 'unknownConnection',
    text: agent({ before: store, steps: fetchOrders + note('{{ connections.shop }}') }),
  },
  {
    code: 'IFX304',
    messageId: 'unknownConnection',
    text: agent({ before: store, trigger: '{ shopify.order: { connection: shopp } }', steps: fetchOrders }),
  },
  {
    code: 'IFX306',
    messageId: 'connectionNotNeeded',
    text: agent({ before: store, steps: fetchOrders + note('Hi', ', connection: store') }),
  },
  {
    code: 'IFX306',
    messageId: 'wrongConnectionType',
    text: agent({
      before: '  connections: { creator: { type: tiktok } }\n',
      steps: '    - { id: fetch, uses: shopify.orders.list, connection: creator }\n',
    }),
  },
  {
    code: 'IFX306',
    messageId: 'wrongConnectionType',
    text: agent({
      before: '  connections: { creator: { type: tiktok } }\n',
      trigger: '{ shopify.order: { connection: creator } }',
      steps: note('Hi'),
    }),
  },
  {
    code: 'IFX307',
    messageId: 'missingConnection',
    text: agent({ steps: fetchOrders }),
  },
  {
    code: 'IFX308',
    messageId: 'ambiguousConnection',
    text: agent({ before: '  connections: { us: { type: shopify }, eu: { type: shopify } }\n', steps: fetchOrders }),
  },
  {
    code: 'IFX309',
    messageId: 'unknownHandler',
    text: agent({ steps: note('Hi', ', onError: { goto: alert }'), after: '  handlers:\n    alerts: []\n' }),
  },
  {
    code: 'IFX309',
    messageId: 'unknownHandler',
    text: agent({ before: '  policy: { onError: { goto: alert } }\n', steps: note('Hi') }),
  },
  {
    code: 'IFX310',
    messageId: 'handlerCycle',
    text: agent({
      steps: note('Hi', ', onError: { goto: a }'),
      after:
        '  handlers:\n    a: [ { id: ha, uses: notify, with: { title: A }, onError: { goto: b } } ]\n' +
        '    b: [ { id: hb, uses: notify, with: { title: B }, onError: { goto: a } } ]\n',
    }),
  },
  {
    code: 'IFX311',
    messageId: 'unknownField',
    text: agent({
      before: store,
      steps:
        '    - { id: revenue, uses: shopify.revenue.summary, with: { period: last_7_days } }\n' +
        note('{{ steps.revenue.output.totl }}'),
    }),
  },
  {
    code: 'IFX311',
    messageId: 'unknownFieldOf',
    text: agent({
      steps: '    - { id: first, uses: notify, with: { title: A } }\n' + note('{{ steps.first.output.zzz }}'),
    }),
  },
  {
    code: 'IFX311',
    messageId: 'notKnownField',
    text: agent({
      steps: note('Hi', ', onError: { goto: h }'),
      after: '  handlers:\n  ' + '  h:\n  ' + note('{{ error.mesage }}').replace('id: note', 'id: told'),
    }),
  },
  {
    code: 'IFX311',
    messageId: 'missingOutput',
    text: agent({
      steps: '    - { id: first, uses: notify, with: { title: A } }\n' + note('{{ steps.first }}'),
    }),
  },
  {
    code: 'IFX312',
    messageId: 'stepsAlone',
    text: agent({ steps: note('{{ steps }}') }),
  },
  {
    code: 'IFX311',
    messageId: 'outputSegment',
    text: agent({
      steps: '    - { id: first, uses: notify, with: { title: A } }\n' + note('{{ steps.first.result }}'),
    }),
  },
  {
    code: 'IFX311',
    messageId: 'noOutput',
    text: agent({
      steps:
        '    - id: check\n      if: "{{ 1 > 0 }}"\n      then:\n    ' +
        '    - { id: inner, uses: notify, with: { title: A } }\n' +
        note('{{ steps.check.output }}'),
    }),
  },
  {
    code: 'IFX311',
    messageId: 'noOutput',
    text: agent({
      steps:
        '    - id: pick\n      switch: "{{ 1 }}"\n      cases:\n        "1":\n    ' +
        '      - { id: inner, uses: notify, with: { title: A } }\n' +
        note('{{ steps.pick.output.x }}'),
    }),
  },
  {
    code: 'IFX311',
    messageId: 'listField',
    text: agent({ before: store, steps: fetchOrders + note('{{ steps.fetch.output.orders.total }}') }),
  },
  {
    code: 'IFX311',
    messageId: 'textField',
    text: agent({
      before: '  inputs: { name: { type: string, default: x } }\n',
      steps: note('{{ inputs.name.first }}'),
    }),
  },
  {
    code: 'IFX311',
    messageId: 'valueField',
    text: agent({
      steps: '    - { id: first, uses: notify, with: { title: A } }\n' + note('{{ steps.first.output.count.x }}'),
    }),
  },
  {
    code: 'IFX312',
    messageId: 'unknownVariable',
    text: agent({ steps: note('{{ input.x }}') }),
  },
  {
    code: 'IFX312',
    messageId: 'unknownLoopVariable',
    text: agent({ steps: note('{{ item.x }}') }),
  },
  {
    code: 'IFX313',
    messageId: 'loopStep',
    text: agent({
      steps:
        '    - id: each\n      forEach: "{{ [1, 2] }}"\n      steps:\n' +
        '        - { id: inner, uses: notify, with: { title: Hi } }\n' +
        note('{{ steps.inner.output.count }}'),
    }),
  },
  {
    code: 'IFX313',
    messageId: 'handlerStep',
    text: agent({
      steps: note('{{ steps.hs.output.count }}', ', onError: { goto: h }'),
      after: '  handlers:\n    h: [ { id: hs, uses: notify, with: { title: A } } ]\n',
    }),
  },
  {
    code: 'IFX314',
    messageId: 'branchOnly',
    text: agent({
      before: '  inputs: { loud: { type: boolean, default: false } }\n',
      steps:
        '    - id: check\n      if: "{{ inputs.loud }}"\n      then:\n' +
        '        - { id: shout, uses: notify, with: { title: HEY } }\n' +
        note('{{ steps.shout.output.count }}'),
    }),
  },
  {
    code: 'IFX314',
    messageId: 'beforeHandler',
    text: agent({
      steps: '    - { id: first, uses: notify, with: { title: A }, onError: { goto: h } }\n',
      after: '  handlers:\n    h: [ { id: hs, uses: notify, with: { title: "{{ steps.first.output.count }}" } } ]\n',
    }),
  },
  {
    code: 'IFX315',
    messageId: 'unusedInput',
    text: agent({ before: '  inputs: { unused: { type: string, default: x } }\n', steps: note('Hi') }),
  },
  {
    code: 'IFX315',
    messageId: 'unusedConnection',
    text: agent({ before: '  connections: { spare: { type: tiktok } }\n', steps: note('Hi') }),
  },
  {
    code: 'IFX316',
    messageId: 'missingScopes',
    text: agent({
      before: '  connections: { store: { type: shopify, scopes: [read_orders] } }\n',
      steps: '    - { id: low, uses: shopify.products.lowStock }\n',
    }),
  },
  {
    code: 'IFX316',
    messageId: 'missingScope',
    text: agent({
      before: '  connections: { store: { type: shopify, scopes: [read_products] } }\n',
      steps: '    - { id: low, uses: shopify.products.lowStock, connection: store }\n',
    }),
  },
  {
    code: 'IFX317',
    messageId: 'reservedField',
    text: agent({ before: '  inputs: { order: { type: object } }\n', steps: note('{{ inputs.order.constructor }}') }),
  },
  {
    code: 'IFX500',
    messageId: 'notBoolean',
    text: agent({
      before: '  inputs: { channel: { type: string, default: sales } }\n',
      steps: '    - id: check\n      if: "{{ inputs.channel }}"\n      then:\n    ' + note('Hi'),
    }),
  },
  {
    code: 'IFX501',
    messageId: 'notList',
    text: agent({
      before: '  inputs: { count: { type: number, default: 3 } }\n',
      steps: '    - id: each\n      forEach: "{{ inputs.count }}"\n      steps:\n    ' + note('Hi'),
    }),
  },
  {
    code: 'IFX502',
    messageId: 'orderingTextNumber',
    text: agent({
      before: '  inputs: { amount: { type: string, default: "150.00" } }\n',
      steps: note('{{ inputs.amount > 100 }}'),
    }),
  },
  {
    code: 'IFX502',
    messageId: 'equalityTextNumber',
    text: agent({
      before: '  inputs: { amount: { type: string, default: "150.00" } }\n',
      steps: note('{{ 100 != inputs.amount }}'),
    }),
  },
  {
    code: 'IFX503',
    messageId: 'parameterTypeConvert',
    text: agent({
      before: '  inputs: { keyword: { type: string, default: fashion } }\n' + store,
      steps: '    - { id: fetch, uses: shopify.orders.list, with: { limit: "{{ inputs.keyword }}" } }\n',
    }),
  },
  {
    code: 'IFX503',
    messageId: 'parameterType',
    text: agent({
      before: store,
      steps: '    - { id: fetch, uses: shopify.orders.list, with: { limit: "{{ [1] }}" } }\n',
    }),
  },
  {
    code: 'IFX504',
    messageId: 'wrongType',
    text: agent({
      before: '  inputs: { threshold: { type: number, default: lots } }\n',
      steps: note('{{ inputs.threshold }}'),
    }),
  },
  {
    code: 'IFX504',
    messageId: 'notAllowed',
    text: agent({
      before: '  inputs: { size: { type: string, enum: [S, M, L], default: XL } }\n',
      steps: note('{{ inputs.size }}'),
    }),
  },
  {
    code: 'IFX504',
    messageId: 'belowMinimum',
    text: agent({
      before: '  inputs: { limit: { type: integer, minimum: 1, default: 0 } }\n',
      steps: note('{{ inputs.limit }}'),
    }),
  },
  {
    code: 'IFX504',
    messageId: 'wrongType',
    text: agent({
      before: '  inputs: { sizes: { type: array, items: { type: integer }, default: [2, many] } }\n',
      steps: note('{{ length(inputs.sizes) }}'),
    }),
  },
  {
    code: 'IFX504',
    messageId: 'aboveMaximum',
    text: agent({
      before: '  inputs: { limit: { type: integer, maximum: 10, default: 11 } }\n',
      steps: note('{{ inputs.limit }}'),
    }),
  },
  ...(
    [
      ['fieldCount', '0 9 * *'],
      ['invalidField', '0 9 * * MON+1'],
      ['zeroStep', '*/0 9 * * *'],
      ['invalidValue', '0 9 * * FUNDAY'],
      ['outOfRange', '0 25 * * *'],
      ['reversedRange', '0 9 * * 5-1'],
    ] as const
  ).map(([messageId, cron]) => ({
    code: 'IFX505',
    messageId,
    text: agent({ trigger: `{ schedule: { cron: "${cron}" } }`, steps: note('Hi') }),
  })),
  {
    code: 'IFX506',
    messageId: 'invalidSchema',
    text: agent({ steps: '    - { id: brief, uses: llm.extract, with: { text: hi, schema: { type: objekt } } }\n' }),
  },
  {
    code: 'IFX507',
    messageId: 'listIndex',
    text: agent({ steps: note('{{ [1, 2][true] }}') }),
  },
  {
    code: 'IFX507',
    messageId: 'negate',
    text: agent({
      before: '  inputs: { flag: { type: boolean, default: true } }\n',
      steps: note('{{ -inputs.flag }}'),
    }),
  },
  {
    code: 'IFX507',
    messageId: 'arithmetic',
    text: agent({
      before: '  inputs: { flag: { type: boolean, default: true } }\n',
      steps: note('{{ inputs.flag * 2 }}'),
    }),
  },
  {
    code: 'IFX507',
    messageId: 'arithmeticText',
    text: agent({ steps: note("{{ 2 - 'a' }}") }),
  },
  {
    code: 'IFX507',
    messageId: 'plus',
    text: agent({ steps: note('{{ true + 1 }}') }),
  },
  {
    code: 'IFX507',
    messageId: 'needsList',
    text: agent({ steps: note('{{ first(3) }}') }),
  },
  {
    code: 'IFX507',
    messageId: 'lengthArgument',
    text: agent({ steps: note('{{ length(3) }}') }),
  },
  {
    code: 'IFX507',
    messageId: 'roundArgument',
    text: agent({ steps: note("{{ round('a') }}") }),
  },
  {
    code: 'IFX507',
    messageId: 'sumOfNonNumbers',
    text: agent({ steps: note("{{ sum(['a', 'b']) }}") }),
  },
];

/** Every (code, messageId) the catalog defines, but the decompiler's (IFX6xx, tested in the compiler). */
const catalogMessages = Object.entries(diagnosticCatalog)
  .filter(([code]) => !code.startsWith('IFX6'))
  .flatMap(([code, definition]) =>
    'messages' in definition ? Object.keys(definition.messages).map((messageId) => `${code}.${messageId}`) : [],
  );

/** A template as a pattern: placeholders match any text (possibly empty, as `{{didYouMean}}` often is). */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{\{\w+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

describe('diagnostic messages', () => {
  it('the table has a row for every catalog message, and nothing else', () => {
    const covered = new Set(messageCases.map((c) => `${c.code}.${c.messageId}`));
    expect([...covered].sort()).toEqual([...catalogMessages].sort());
  });

  /**
   * The messageId a message comes from: the template of its code that matches it with the most literal text
   * (`{{problem}}` could swallow the tail another template of the same code spells out).
   */
  function messageIdOf(code: string, message: string): string | undefined {
    const definition = (diagnosticCatalog as Record<string, { messages?: Record<string, string> }>)[code]!;
    const matching = Object.entries(definition.messages ?? {})
      .filter(([, template]) => templatePattern(template).test(message))
      .map(([messageId, template]) => ({ messageId, literal: template.replace(/\{\{\w+\}\}/g, '').length }))
      .sort((a, b) => b.literal - a.literal);
    return matching[0]?.messageId;
  }

  it.each(messageCases.map((c) => [`${c.code} ${c.messageId}`, c] as const))(
    '%s: produced by its agent, filled in completely',
    (_, { code, messageId, text, produce, arrange }) => {
      const undo = arrange?.();
      let diagnostics: { code: string; message: string }[];
      try {
        diagnostics = produce ? produce() : validateAgent(text as string).diagnostics;
      } finally {
        undo?.();
      }
      const produced = diagnostics.filter((d) => d.code === code && messageIdOf(code, d.message) === messageId);
      expect(produced).toHaveLength(1);
      // A placeholder left unfilled (`{{ expression }}` with spaces is text some messages show).
      expect(produced[0]!.message).not.toMatch(/\{\{\w+\}\}/);
    },
  );

  it('formatMessage fills every placeholder from the data', () => {
    const message: DiagnosticMessage = {
      code: 'IFX307',
      messageId: 'missingConnection',
      data: { action: 'shopify.orders.list', type: 'shopify' },
    };
    expect(formatMessage(message)).toBe(
      'shopify.orders.list needs a shopify connection: declare one under spec.connections (e.g. store: { type: shopify }).',
    );
    expect(formatMessage({ code: 'IFX302', messageId: 'unknownStep', data: { id: 'fetc', didYouMean: '' } })).toBe(
      "Unknown step 'fetc'.",
    );
  });
});
