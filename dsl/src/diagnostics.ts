/**
 * Diagnostics are data: every problem the DSL finds is a `Diagnostic` with a stable code from the catalog below.
 * Codes never change meaning once published; wording may improve. Families:
 * IFX1xx parse, IFX2xx schema, IFX3xx references, IFX4xx expressions, IFX5xx types, IFX6xx decompile (n8n workflow
 * -> agent).
 */

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column; `end` is exclusive (the column just after the last character). */
export interface Position {
  line: number;
  col: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type DocumentPath = (string | number)[];

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Path of the offending value inside the agent document, e.g. `['spec', 'steps', 0, 'with', 'limit']`. */
  path: DocumentPath;
  range: Range;
  /** A replacement the editor can offer ("did you mean"), when there is one. */
  suggestion?: string;
}

export interface DiagnosticDefinition {
  severity: Severity;
  title: string;
  /** A minimal agent fragment (or whole agent) that produces the diagnostic; checked by a test. */
  example: string;
  fix: string;
  /**
   * Message templates of the checks that report this code, keyed by messageId (as typescript-eslint rules do):
   * `{{name}}` placeholders are filled from the report's data (see `formatMessage`).
   */
  messages?: Record<string, string>;
}

const MINIMAL_HEAD = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: demo, version: 1.0.0 }
`;

/** Wraps steps (YAML lines indented for `steps:`) into a whole, otherwise valid agent. */
function agentWith({ before = '', steps, after = '' }: { before?: string; steps: string; after?: string }): string {
  return `${MINIMAL_HEAD}spec:\n${before}  trigger: { manual: {} }\n  steps:\n${steps}${after}`;
}

export const diagnosticCatalog = {
  IFX100: {
    severity: 'error',
    title: 'YAML syntax error',
    example: `${MINIMAL_HEAD}spec:\n  steps: [\n`,
    fix: 'Fix the YAML at the reported position: check indentation, unclosed brackets and quotes.',
    messages: {
      notText: 'The agent must be text.',
      yamlSyntax: '{{problem}}',
      nonStringKey: 'Mapping keys must be plain text, not lists or mappings.',
      unresolvedAlias: '{{problem}}: define the anchor before using it.',
      unreadable: 'The document could not be read: {{problem}}',
    },
  },
  IFX101: {
    severity: 'error',
    title: 'Duplicate key',
    example: `apiVersion: ionflux/v1\napiVersion: ionflux/v1\n`,
    fix: 'Keep one of the two keys; YAML mappings cannot repeat a key.',
    messages: {
      duplicateKey: "Duplicate key '{{key}}': mapping keys must be unique.",
    },
  },
  IFX102: {
    severity: 'error',
    title: 'Too many alias expansions',
    example: `a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: &e [*d, *d]\nf: &f [*e, *e]\ng: &g [*f, *f]\nh: [*g, *g]\n`,
    fix: 'Write the repeated content out or use fewer aliases; the limit protects editors and servers from alias bombs.',
    messages: {
      aliasBomb: 'Aliases expand to too much content (limit {{limit}} expansions): possible alias bomb.',
    },
  },
  IFX103: {
    severity: 'error',
    title: 'Document too large',
    example: '(any document over 1 MiB)',
    fix: 'Split the agent: an agent definition is capped at 1 MiB.',
    messages: {
      tooLarge: 'The document is {{length}} characters long; agents are limited to {{limit}} (1 MiB).',
    },
  },
  IFX104: {
    severity: 'error',
    title: 'Nesting too deep',
    example: `a: ${'['.repeat(70)}${']'.repeat(70)}\n`,
    fix: 'Flatten the structure: nesting is capped at 64 levels.',
    messages: {
      tooDeep: 'The document nests collections more than {{limit}} levels deep.',
      stackOverflow: 'The document is nested too deeply to read.',
    },
  },
  IFX105: {
    severity: 'error',
    title: 'More than one YAML document',
    example: `${MINIMAL_HEAD}---\nkind: Agent\n`,
    fix: 'Put one agent per file; remove the `---` separator and what follows it.',
    messages: {
      multipleDocuments: 'The file holds more than one YAML document; an agent file holds exactly one.',
    },
  },
  IFX106: {
    severity: 'error',
    title: 'Empty document',
    example: '# nothing here\n',
    fix: 'Start from `ionflux init <name>` or add `apiVersion: ionflux/v1`, `kind: Agent`, `metadata` and `spec`.',
    messages: {
      empty: 'The document is empty.',
    },
  },
  IFX107: {
    severity: 'error',
    title: 'Unsupported YAML tag',
    example: `${MINIMAL_HEAD}spec: !!js/function "x"\n`,
    fix: 'Remove the tag: agent YAML uses plain scalars, sequences and mappings only.',
    messages: {
      unsupportedTag: "Unsupported YAML tag '{{tag}}': agent YAML uses plain values, lists and mappings.",
    },
  },
  IFX200: {
    severity: 'error',
    title: 'Wrong type',
    example: agentWith({
      steps: `    - { id: fetch, uses: shopify.orders.list, with: { limit: many } }\n`,
      before: '  connections: { store: { type: shopify } }\n',
    }),
    fix: 'Give a value of the expected type (or a `{{ expression }}` where expressions are allowed).',
    messages: {
      wrongType: '{{where}} must be {{expected}}, not {{actual}}.',
      schemaRule: '{{where}} {{problem}}.',
    },
  },
  IFX201: {
    severity: 'error',
    title: 'Missing required property',
    example: `apiVersion: ionflux/v1\nkind: Agent\nmetadata: { version: 1.0.0 }\nspec: { trigger: { manual: {} }, steps: [] }\n`,
    fix: 'Add the missing property.',
    messages: {
      missingProperty: "{{where}} is missing the required property '{{property}}'.",
    },
  },
  IFX202: {
    severity: 'error',
    title: 'Unknown property',
    example: agentWith({ steps: `    - { id: post, uses: chat.post, with: { chanel: sales, text: hi } }\n` }),
    fix: 'Remove the property or correct its spelling (see the suggestion).',
    messages: {
      unknownProperty: "Unknown property '{{name}}' in {{where}}{{didYouMean}}.",
      unknownPropertyAllowed: "Unknown property '{{name}}' in {{where}}. Allowed: {{allowed}}.",
    },
  },
  IFX203: {
    severity: 'error',
    title: 'Value not allowed',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: Hi, level: urgent } }\n` }),
    fix: 'Use one of the listed values.',
    messages: {
      reservedInput: "'{{name}}' is reserved; name the input differently.",
      unknownTimezone: "Unknown timezone '{{timezone}}'{{didYouMean}}; use an IANA name such as Europe/Paris.",
      reservedLoopVariable: "The loop variable cannot be named '{{name}}'.",
      loopVariableClash: "The loop variable '{{name}}' has the same name as a step inside the loop; rename one.",
      notAllowed: "{{where}} cannot be {{actual}} (did you mean '{{suggestion}}'?).",
      notAllowedListed: '{{where}} cannot be {{actual}}. Allowed: {{allowed}}.',
      notAllowedLong: '{{where}} cannot be {{actual}}. See docs/dsl.md for the list.',
    },
  },
  IFX204: {
    severity: 'error',
    title: 'Invalid format',
    example: `apiVersion: ionflux/v1\nkind: Agent\nmetadata: { name: Demo Agent, version: 1.0.0 }\nspec: { trigger: { manual: {} }, steps: [] }\n`,
    fix: 'Follow the format in the message (e.g. names are lowercase-with-dashes, versions are semver, durations look like 30s).',
    messages: {
      invalidFormat: '{{where}} has an invalid format ({{actual}}). {{description}}',
      invalidFormatUndescribed: '{{where}} has an invalid format ({{actual}}).',
      notWholeExpression: '{{where}} has an invalid format ({{actual}}). It must be a single {{ expression }}.',
    },
  },
  IFX205: {
    severity: 'error',
    title: 'Value out of range',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: Hi }, retries: { max: 50 } }\n` }),
    fix: 'Use a value inside the allowed range given in the message.',
    messages: {
      fixedRetriesMax:
        "With backoff: fixed, retries run on n8n's retry settings: at most 4 retries (5 attempts). Use backoff: exponential for more.",
      fixedRetriesDelay:
        'With backoff: fixed, n8n waits at most 5s between attempts. Use a shorter delay or backoff: exponential.',
      emptyTrigger: 'The trigger is empty: give one of {{kinds}}.',
      severalTriggers: 'An agent has exactly one trigger; this one has {{count}} ({{kinds}}).',
      outOfRange: '{{where}} {{problem}}.',
      repeatedItem: '{{where}} lists {{value}} twice.',
    },
  },
  IFX206: {
    severity: 'error',
    title: 'Invalid step',
    example: agentWith({ steps: `    - { id: nothing }\n` }),
    fix: 'A step needs exactly one of `uses` (an action), `if`, `switch` or `forEach`.',
    messages: {
      stepWithoutKind: 'A step needs one of `uses` (an action), `if`, `switch` or `forEach`.',
      stepKindsCombined: "A step has exactly one of uses, if, switch or forEach; '{{kind}}' cannot be combined here.",
    },
  },
  IFX207: {
    severity: 'error',
    title: 'Unsupported apiVersion or kind',
    example: `apiVersion: ionflux/v2\nkind: Agent\nmetadata: { name: demo, version: 1.0.0 }\nspec: { trigger: { manual: {} }, steps: [] }\n`,
    fix: 'Use `apiVersion: ionflux/v1` and `kind: Agent`.',
    messages: {
      unsupportedValue: "{{where}} cannot be {{actual}} (did you mean '{{suggestion}}'?).",
      unsupportedValueListed: '{{where}} cannot be {{actual}}. Allowed: {{allowed}}.',
    },
  },
  IFX300: {
    severity: 'error',
    title: 'Duplicate step id',
    example: agentWith({
      steps: `    - { id: hello, uses: notify, with: { title: A } }\n    - { id: hello, uses: notify, with: { title: B } }\n`,
    }),
    fix: 'Give every step (including steps inside branches, loops and handlers) a unique id.',
    messages: {
      duplicateStepId: "Step id '{{id}}' is already used at {{previous}}; step ids must be unique.",
    },
  },
  IFX301: {
    severity: 'error',
    title: 'Unknown input',
    example: agentWith({
      before: '  inputs: { threshold: { type: number, default: 100 } }\n',
      steps: `    - { id: note, uses: notify, with: { title: "Over {{ inputs.treshold }}" } }\n`,
    }),
    fix: 'Declare the input under `spec.inputs` or correct its name (see the suggestion).',
    messages: {
      unknownInput: "Unknown input '{{name}}'{{didYouMean}}; declare it under spec.inputs.",
    },
  },
  IFX302: {
    severity: 'error',
    title: 'Unknown step',
    example: agentWith({
      steps: `    - { id: note, uses: notify, with: { title: "{{ steps.fetch.output.count }}" } }\n`,
    }),
    fix: 'Reference the id of a step that exists (see the suggestion).',
    messages: {
      unknownStep: "Unknown step '{{id}}'{{didYouMean}}.",
    },
  },
  IFX303: {
    severity: 'error',
    title: 'Step referenced before it runs',
    example: agentWith({
      steps: `    - { id: first, uses: notify, with: { title: "{{ steps.second.output.id }}" } }\n    - { id: second, uses: notify, with: { title: B } }\n`,
    }),
    fix: 'Move the referenced step before this one, or reference an earlier step.',
    messages: {
      laterStep: "Step '{{id}}' runs after this point; reference an earlier step.",
      ownOutput: "A step cannot use its own output ('{{id}}').",
    },
  },
  IFX304: {
    severity: 'error',
    title: 'Unknown connection',
    example: agentWith({
      before: '  connections: { store: { type: shopify } }\n',
      steps: `    - { id: fetch, uses: shopify.orders.list, connection: shop }\n`,
    }),
    fix: 'Declare the connection under `spec.connections` or correct its name.',
    messages: {
      unknownConnection: "Unknown connection '{{name}}'{{didYouMean}}; declare it under spec.connections.",
    },
  },
  IFX305: {
    severity: 'error',
    title: 'Unknown action',
    example: agentWith({ steps: `    - { id: note, uses: notfy, with: { title: Hi } }\n` }),
    fix: 'Use one of the actions listed in docs/dsl.md (see the suggestion).',
    messages: {
      unknownAction: "Unknown action '{{name}}' (did you mean '{{suggestion}}'?).",
      unknownActionUnmatched: "Unknown action '{{name}}'. See docs/dsl.md for the actions.",
    },
  },
  IFX306: {
    severity: 'error',
    title: 'Connection type does not match the action',
    example: agentWith({
      before: '  connections: { creator: { type: tiktok } }\n',
      steps: `    - { id: fetch, uses: shopify.orders.list, connection: creator }\n`,
    }),
    fix: 'Point the step at a connection of the type the action needs.',
    messages: {
      connectionNotNeeded: "{{action}} does not use a connection; remove 'connection'.",
      wrongConnectionType: "{{user}} needs a {{type}} connection, but '{{name}}' is {{actual}}.",
    },
  },
  IFX307: {
    severity: 'error',
    title: 'Action needs a connection',
    example: agentWith({ steps: `    - { id: fetch, uses: shopify.orders.list }\n` }),
    fix: 'Declare a connection of the needed type under `spec.connections`.',
    messages: {
      missingConnection:
        '{{action}} needs a {{type}} connection: declare one under spec.connections (e.g. store: { type: {{type}} }).',
    },
  },
  IFX308: {
    severity: 'error',
    title: 'Ambiguous connection',
    example: agentWith({
      before: '  connections: { us: { type: shopify }, eu: { type: shopify } }\n',
      steps: `    - { id: fetch, uses: shopify.orders.list }\n`,
    }),
    fix: 'Several connections fit: name one with `connection:` on the step.',
    messages: {
      ambiguousConnection: "Several {{type}} connections fit ({{candidates}}): say which with 'connection:'.",
    },
  },
  IFX309: {
    severity: 'error',
    title: 'Unknown error handler',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: Hi }, onError: { goto: alert } }\n` }),
    fix: 'Declare the handler under `spec.handlers` or correct its name.',
    messages: {
      unknownHandler: "Unknown handler '{{name}}'{{didYouMean}}; declare it under spec.handlers.",
    },
  },
  IFX310: {
    severity: 'error',
    title: 'Error handlers form a cycle',
    example: agentWith({
      steps: `    - { id: note, uses: notify, with: { title: Hi }, onError: { goto: a } }\n`,
      after: `  handlers:\n    a: [ { id: ha, uses: notify, with: { title: A }, onError: { goto: b } } ]\n    b: [ { id: hb, uses: notify, with: { title: B }, onError: { goto: a } } ]\n`,
    }),
    fix: 'Break the cycle: a handler must not (directly or indirectly) go to itself.',
    messages: {
      handlerCycle: 'Error handlers form a cycle: {{cycle}}.',
    },
  },
  IFX311: {
    severity: 'error',
    title: 'Unknown field',
    example: agentWith({
      before: '  connections: { store: { type: shopify } }\n',
      steps: `    - { id: revenue, uses: shopify.revenue.summary, with: { period: last_7_days } }\n    - { id: note, uses: notify, with: { title: "{{ steps.revenue.output.totl }}" } }\n`,
    }),
    fix: 'Use a field the value has (see the suggestion and the action reference in docs/dsl.md).',
    messages: {
      unknownField: "Unknown field '{{name}}'{{didYouMean}}.",
      unknownFieldOf: "Unknown field '{{name}}'. Fields: {{fields}}.",
      notKnownField: "Field '{{name}}' is not a known field{{didYouMean}}.",
      outputSegment: "A step reference continues with '.output' (steps.{{id}}.output), not '.{{name}}'.",
      missingOutput: "A step reference continues with '.output': steps.{{id}}.output is what step '{{id}}' produced.",
      noOutput: "'{{id}}' is {{kind}} step and has no output; reference a step inside its branches.",
      listField: "'{{name}}' is not a field of a list: use first(...).{{name}} or pluck(list, '{{name}}').",
      textField: "Text has no field '{{name}}'.",
      valueField: "{{type}} has no field '{{name}}'.",
    },
  },
  IFX312: {
    severity: 'error',
    title: 'Unknown variable',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: "{{ input.x }}" } }\n` }),
    fix: 'Expressions start from `inputs`, `trigger`, `steps`, `connections`, a `forEach` variable, `loop` or (in handlers) `error`.',
    messages: {
      unknownVariable: "Unknown variable '{{name}}'{{didYouMean}}. Expressions start from {{roots}}.",
      stepsAlone: "'steps' is not a value on its own: name a step and its output, steps.<id>.output.",
      unknownLoopVariable:
        "Unknown variable '{{name}}' (only inside forEach){{didYouMean}}. Expressions start from {{roots}}.",
    },
  },
  IFX313: {
    severity: 'error',
    title: 'Step not visible here',
    example: agentWith({
      steps: `    - id: each\n      forEach: "{{ [1, 2] }}"\n      steps:\n        - { id: inner, uses: notify, with: { title: Hi } }\n    - { id: after, uses: notify, with: { title: "{{ steps.inner.output.id }}" } }\n`,
    }),
    fix: "Steps inside a forEach or a handler are only visible inside it; use the loop step's own output (`steps.<loop>.output`).",
    messages: {
      loopStep: "Step '{{id}}' runs inside forEach '{{loop}}'; outside it use steps.{{loop}}.output.",
      handlerStep: "Step '{{id}}' belongs to handler '{{handler}}' and is only visible inside it.",
    },
  },
  IFX314: {
    severity: 'warning',
    title: 'Step may not have run',
    example: agentWith({
      before: '  inputs: { loud: { type: boolean, default: false } }\n',
      steps: `    - id: check\n      if: "{{ inputs.loud }}"\n      then:\n        - { id: shout, uses: notify, with: { title: HEY } }\n    - { id: after, uses: notify, with: { title: "{{ steps.shout.output.id }}" } }\n`,
    }),
    fix: 'The step runs only in one branch; guard the use with `default(...)` or move it into the branch.',
    messages: {
      branchOnly: "Step '{{id}}' only runs in branch '{{branch}}' of '{{step}}'; its output may be missing here.",
      beforeHandler: "Step '{{id}}' may not have run when this handler runs.",
    },
  },
  IFX315: {
    severity: 'warning',
    title: 'Declared but never used',
    example: agentWith({
      before: '  inputs: { unused: { type: string, default: x } }\n',
      steps: `    - { id: note, uses: notify, with: { title: Hi } }\n`,
    }),
    fix: 'Remove the declaration or use it.',
    messages: {
      unusedInput: "Input '{{name}}' is declared but never used.",
      unusedConnection: "Connection '{{name}}' is declared but never used.",
    },
  },
  IFX316: {
    severity: 'warning',
    title: 'Connection does not ask for a scope the action needs',
    example: agentWith({
      before: '  connections: { store: { type: shopify, scopes: [read_orders] } }\n',
      steps: `    - { id: low, uses: shopify.products.lowStock }\n`,
    }),
    fix: "Add the scope to the connection's `scopes`, or leave `scopes` out to let IONFLUX ask for what the steps need.",
    messages: {
      missingScope: "{{action}} needs the scope {{scopes}}, which connection '{{connection}}' does not ask for.",
      missingScopes: "{{action}} needs the scopes {{scopes}}, which connection '{{connection}}' does not ask for.",
    },
  },
  IFX317: {
    severity: 'error',
    title: 'Field name that expressions cannot read',
    example: agentWith({
      before: '  inputs: { order: { type: object } }\n',
      steps: `    - { id: note, uses: notify, with: { title: "{{ inputs.order.constructor }}" } }\n`,
    }),
    fix: 'n8n refuses names such as `constructor` and `__proto__`, and `toString`-like names read JavaScript built-ins: rename the field in the data (for example with an earlier step) or read another field.',
    messages: {
      reservedField:
        "A field named '{{name}}' cannot be read in an expression: n8n refuses it or reads a JavaScript built-in instead.",
    },
  },
  IFX400: {
    severity: 'error',
    title: 'Expression syntax error',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: "{{ 1 + }}" } }\n` }),
    fix: 'Fix the expression at the reported position.',
    messages: {
      afterNumber: "Unexpected '{{character}}' after the number {{number}}.",
      unterminatedText: 'Unterminated text literal: add the closing quote.',
      unexpectedCharacter: "Unexpected character '{{character}}'.",
      afterEnd: "Unexpected '{{token}}' after the end of the expression.",
      expectedBeforeEnd: 'Expected {{expected}} before the end of the expression.',
      expectedFound: "Expected {{expected}}, found '{{token}}'.",
      tooDeep: 'The expression nests more than {{limit}} levels.',
      unexpectedToken: "Unexpected '{{token}}'.",
      endsEarly: 'The expression ends too early: a value is missing.',
      missingFieldName: 'A field name is missing after the dot.',
      expectedFieldName: "Expected a field name after '.', found '{{token}}'.",
      tooLong: 'The expression is longer than {{limit}} characters.',
    },
  },
  IFX401: {
    severity: 'error',
    title: 'Unterminated expression',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: "{{ 1 + 1" } }\n` }),
    fix: 'Close the expression with `}}`.',
    messages: {
      unclosed: "The expression is not closed: add '}}'.",
    },
  },
  IFX402: {
    severity: 'error',
    title: 'Unknown function',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: "{{ uppercase('a') }}" } }\n` }),
    fix: 'Use one of the functions listed in docs/dsl.md (see the suggestion).',
    messages: {
      unknownFunction: "Unknown function '{{name}}'{{didYouMean}}.",
    },
  },
  IFX403: {
    severity: 'error',
    title: 'Wrong number of arguments',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: "{{ upper() }}" } }\n` }),
    fix: 'Call the function with the number of arguments it takes.',
    messages: {
      argumentCount: '{{signature}} takes {{expected}}, got {{count}}.',
    },
  },
  IFX404: {
    severity: 'error',
    title: 'Empty expression',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: "{{ }}" } }\n` }),
    fix: 'Write an expression between `{{` and `}}`, or remove the braces.',
    messages: {
      empty: 'The expression is empty.',
    },
  },
  IFX405: {
    severity: 'error',
    title: 'Unsupported expression syntax',
    example: agentWith({ steps: `    - { id: note, uses: notify, with: { title: "{{ 'a'.toUpperCase() }}" } }\n` }),
    fix: 'Expressions support paths, literals, operators and the listed functions; call functions as `upper(x)` rather than methods.',
    messages: {
      assignment: "Assignment is not supported: compare with '=='.",
      arrowFunction: 'Arrow functions are not supported: use the list functions (pluck, where, sortBy, sum...).',
      templateLiteral: 'Template literals are not supported: join text with + or write it around the {{ }}.',
      objectLiteral: 'Object literals are not supported in expressions.',
      bitwise: "Bitwise '{{operator}}' is not supported: use '{{operator}}{{operator}}'.",
      unaryPlus: 'Unary + is not supported: use number(x).',
      keyword: "'{{keyword}}' is not supported in expressions.",
      method: 'Methods are not supported: use {{function}}(...) instead of .{{method}}(...).',
      unknownMethod:
        'Methods are not supported: .{{method}}(...) has no equivalent here; use the expression functions (docs/dsl.md).',
      call: 'Only the listed functions can be called, by name: e.g. upper(x).',
    },
  },
  IFX500: {
    severity: 'error',
    title: 'Condition is not a boolean',
    example: agentWith({
      before: '  inputs: { channel: { type: string, default: sales } }\n',
      steps: `    - id: check\n      if: "{{ inputs.channel }}"\n      then:\n        - { id: note, uses: notify, with: { title: Hi } }\n`,
    }),
    fix: 'Compare the value (e.g. `inputs.channel == "sales"`) so the condition is true or false.',
    messages: {
      notBoolean: 'The condition is {{type}}, not true/false: compare it (e.g. with == or >).',
    },
  },
  IFX501: {
    severity: 'error',
    title: 'forEach source is not a list',
    example: agentWith({
      before: '  inputs: { count: { type: number, default: 3 } }\n',
      steps: `    - id: each\n      forEach: "{{ inputs.count }}"\n      steps:\n        - { id: note, uses: notify, with: { title: Hi } }\n`,
    }),
    fix: 'Loop over a list (an array input or a list field of a step output).',
    messages: {
      notList: 'forEach needs a list; this is {{type}}.',
    },
  },
  IFX502: {
    severity: 'warning',
    title: 'Comparing text with a number',
    example: agentWith({
      before: '  inputs: { threshold: { type: number, default: 100 }, amount: { type: string, default: "150.00" } }\n',
      steps: `    - id: check\n      if: "{{ inputs.amount > inputs.threshold }}"\n      then:\n        - { id: note, uses: notify, with: { title: Big } }\n`,
    }),
    fix: 'Convert the text first: `number(inputs.amount) > inputs.threshold` (Shopify money fields are strings).',
    messages: {
      orderingTextNumber:
        'Comparing text with a number: convert the text with number(...) (Shopify money fields are text).',
      equalityTextNumber: "'{{operator}}' compares text with a number and is never equal: convert with number(...).",
    },
  },
  IFX503: {
    severity: 'error',
    title: 'Parameter type mismatch',
    example: agentWith({
      before:
        '  inputs: { keyword: { type: string, default: fashion } }\n  connections: { store: { type: shopify } }\n',
      steps: `    - { id: fetch, uses: shopify.orders.list, with: { limit: "{{ inputs.keyword }}" } }\n`,
    }),
    fix: "Pass a value of the parameter's type (convert with `number(...)`, `string(...)`, ...).",
    messages: {
      parameterType: "Parameter '{{name}}' expects {{expected}}, got {{actual}}.",
      parameterTypeConvert: "Parameter '{{name}}' expects {{expected}}, got {{actual}}: convert with number(...).",
    },
  },
  IFX504: {
    severity: 'error',
    title: 'Default does not match the input type',
    example: agentWith({
      before: '  inputs: { threshold: { type: number, default: lots } }\n',
      steps: `    - { id: note, uses: notify, with: { title: "{{ inputs.threshold }}" } }\n`,
    }),
    fix: 'Give a default of the declared type, or change the type.',
    messages: {
      wrongType: "The default of input '{{name}}'{{at}} is {{actual}}, not {{expected}}.",
      notAllowed: "The default of input '{{name}}'{{at}} is not one of {{allowed}}.",
      belowMinimum: "The default of input '{{name}}'{{at}} is below the minimum {{minimum}}.",
      aboveMaximum: "The default of input '{{name}}'{{at}} is above the maximum {{maximum}}.",
    },
  },
  IFX505: {
    severity: 'error',
    title: 'Invalid cron expression',
    example: `${MINIMAL_HEAD}spec:\n  trigger: { schedule: { cron: "0 25 * * *" } }\n  steps:\n    - { id: note, uses: notify, with: { title: Hi } }\n`,
    fix: 'Use five fields (minute hour day-of-month month day-of-week) with values in range, e.g. `0 9 * * 1-5`.',
    messages: {
      fieldCount:
        "Invalid cron '{{cron}}': expected 5 fields (minute hour day-of-month month day-of-week), found {{count}}.",
      invalidField: "Invalid cron '{{cron}}': the {{field}} field '{{value}}' is not valid.",
      zeroStep: "Invalid cron '{{cron}}': the {{field}} step cannot be 0.",
      invalidValue: "Invalid cron '{{cron}}': '{{value}}' is not a valid {{field}}.",
      outOfRange: "Invalid cron '{{cron}}': {{field}} {{value}} is out of range {{min}}-{{max}}.",
      reversedRange: "Invalid cron '{{cron}}': the {{field}} range {{range}} is reversed.",
    },
  },
  IFX506: {
    severity: 'error',
    title: 'Invalid JSON Schema',
    example: agentWith({
      steps: `    - { id: brief, uses: llm.extract, with: { text: hi, schema: { type: objekt } } }\n`,
    }),
    fix: 'Give a valid JSON Schema (draft 2020-12) for the extracted output.',
    messages: {
      invalidSchema: 'The extraction schema is not a valid JSON Schema: {{problem}}.',
    },
  },
  IFX507: {
    severity: 'error',
    title: 'Operand type mismatch',
    example: agentWith({
      before: '  inputs: { flag: { type: boolean, default: true } }\n',
      steps: `    - { id: note, uses: notify, with: { title: "{{ inputs.flag * 2 }}" } }\n`,
    }),
    fix: 'Arithmetic needs numbers: convert with `number(...)`.',
    messages: {
      listIndex: 'A list index must be a number, not {{type}}.',
      negate: 'Cannot negate {{type}}: convert with number(...).',
      arithmetic: "'{{operator}}' needs numbers; this is {{type}}.",
      arithmeticText: "'{{operator}}' needs numbers; this is {{type}}: convert with number(...).",
      plus: "'+' adds numbers or joins text; this is {{type}}.",
      needsList: '{{callee}}(...) needs a list; this is {{type}}.',
      lengthArgument: 'length(...) needs a list, text or object; this is {{type}}.',
      roundArgument: 'round(...) needs a number; this is {{type}}.',
      sumOfNonNumbers: '{{callee}}(...) adds up numbers; these values are {{type}}.',
    },
  },
  IFX600: {
    severity: 'error',
    title: 'Workflow node without an agent equivalent',
    example: '(decompiling a workflow that contains, e.g., an n8n-nodes-base.code node)',
    fix: 'Replace the node with IONFLUX or supported standard nodes (IF, Switch, Merge, Set, Split Out, Loop Over Items, Aggregate), or keep editing that workflow in n8n.',
    messages: {
      unsupportedTrigger: 'Node "{{node}}" ({{type}}) is a trigger IONFLUX does not support.',
      missingNode: 'The workflow connects to a node named "{{name}}" that does not exist.',
      unreachable:
        'Node "{{node}}" ({{type}}) is not connected in a way an agent can express (unreachable or unsupported).',
      noEquivalent: 'Node "{{node}}" ({{type}}) has no IONFLUX agent equivalent.',
      unknownParameter: 'Node "{{node}}" has a parameter "{{parameter}}" that {{action}} does not take.',
      afterOutput: 'Node "{{node}}" ({{type}}) after the output has no IONFLUX equivalent.',
    },
  },
  IFX601: {
    severity: 'error',
    title: 'Workflow expression or parameter IONFLUX cannot read',
    example: '(decompiling a node whose parameter is {{ $json.items.map(i => i.id) }})',
    fix: 'Use paths, operators and the IONFLUX functions in the expression (see docs/dsl.md), or compute the value in a step.',
    messages: {
      parameterExpression:
        'Parameter "{{parameter}}" of node "{{node}}" has an expression IONFLUX cannot read: {{reason}}.',
      nodeExpression: 'The {{what}} of node "{{node}}" is an expression IONFLUX cannot read: {{reason}}.',
      outputExpression: 'The value of output node "{{node}}" is an expression IONFLUX cannot read: {{reason}}.',
      notJson: 'The {{what}} of node "{{node}}" must be JSON.',
      parameterNotJson: 'Parameter "{{parameter}}" of node "{{node}}" must be JSON.',
      scheduleRule: 'Schedule node "{{node}}" must use a cron expression rule.',
      ifCondition: 'IF node "{{node}}" must have one boolean "is true" condition.',
      ifExpression: 'The condition of IF node "{{node}}" must be an expression.',
      switchRule: 'Switch node "{{node}}" must compare one value for equality per rule.',
      switchNoRules: 'Switch node "{{node}}" has no rules.',
      switchExpression: 'Switch node "{{node}}" must route on an expression.',
      loopItems: 'Loop items node "{{node}}" does not have the list expression IONFLUX writes.',
      outputValue: 'Output node "{{node}}" must set { value: ... }.',
    },
  },
  IFX602: {
    severity: 'error',
    title: 'Workflow shape an agent cannot express',
    example: '(decompiling a workflow where one output feeds two nodes, or branches never join)',
    fix: 'Give every node one successor per output and join branches again (a Merge node), or split the workflow.',
    messages: {
      fanOut: 'Node "{{node}}" feeds {{count}} nodes from one output; an agent step has one successor.',
      noTrigger: 'The workflow has no IONFLUX-supported trigger node.',
      severalTriggers: 'An agent has exactly one trigger node; this workflow has {{count}} ({{nodes}}).',
      reachedTwice: 'Node "{{node}}" is reached twice; agents are trees of steps joined after branches.',
      errorOutputUnconnected: 'Node "{{node}}" routes errors to its error output, but nothing is connected to it.',
      errorRouteEnd: 'The error route of "{{node}}" must end in a handler (NoOp) node.',
      branchesNeverMeet: 'The branches of "{{node}}" never meet again.',
      loopShape:
        'Loop starting at "{{node}}" is not the items -> check -> split -> loop -> aggregate shape IONFLUX reads.',
    },
  },
  IFX603: {
    severity: 'error',
    title: 'Not an n8n workflow',
    example: '(decompiling a file that is not JSON, or has no nodes list)',
    fix: 'Give an n8n workflow export: JSON with "nodes" and "connections".',
    messages: {
      invalidJson: 'The workflow is not valid JSON: {{problem}}',
      notWorkflow: 'An n8n workflow has a "nodes" list and a "connections" object.',
    },
  },
} as const satisfies Record<string, DiagnosticDefinition>;

export type DiagnosticCode = keyof typeof diagnosticCatalog;

type Catalog = typeof diagnosticCatalog;

/** Codes whose catalog entry has message templates. */
export type MessageCode = {
  [C in DiagnosticCode]: Catalog[C] extends { messages: Record<string, string> } ? C : never;
}[DiagnosticCode];

type MessagesOf<C extends MessageCode> = Catalog[C] extends { messages: infer M } ? M : never;

/**
 * The `{{name}}` placeholders of a template, as a union of names. Braces around spaces (`{{ expression }}`, `{{ }}`)
 * are text the message shows, as `formatMessage` only fills word names.
 */
type Placeholders<T> = T extends `${string}{{${infer Name}}}${infer Rest}`
  ? (Name extends `${string} ${string}` | '' ? never : Name) | Placeholders<Rest>
  : never;

/**
 * One catalog message: its code, its messageId and the data its placeholders need (typed from the template, so a
 * missing or misspelled placeholder is a compile error).
 */
export type DiagnosticMessage = {
  [C in MessageCode]: {
    [M in keyof MessagesOf<C> & string]: { code: C; messageId: M } & ([Placeholders<MessagesOf<C>[M]>] extends [never]
      ? { data?: undefined }
      : { data: Record<Placeholders<MessagesOf<C>[M]>, string | number> });
  }[keyof MessagesOf<C> & string];
}[MessageCode];

/** Renders a catalog message: `formatMessage({ code: 'IFX302', messageId: 'unknownStep', data: { id, didYouMean } })`. */
export function formatMessage({ code, messageId, data }: DiagnosticMessage): string {
  const messages: Record<string, string> = diagnosticCatalog[code].messages;
  const template = messages[messageId];
  if (template === undefined) throw new Error(`No message ${messageId} for ${code}`);
  const values: Record<string, string | number> = data ?? {};
  return template.replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) =>
    name in values ? String(values[name]) : placeholder,
  );
}

/** Builds a diagnostic with the catalog's default severity. */
export function createDiagnostic({
  code,
  message,
  path,
  range,
  suggestion,
  severity,
}: {
  code: DiagnosticCode;
  message: string;
  path: DocumentPath;
  range: Range;
  suggestion?: string;
  severity?: Severity;
}): Diagnostic {
  const diagnostic: Diagnostic = { code, severity: severity ?? diagnosticCatalog[code].severity, message, path, range };
  if (suggestion !== undefined) diagnostic.suggestion = suggestion;
  return diagnostic;
}

/**
 * Builds a diagnostic from a catalog message and its data:
 * `reportedDiagnostic({ code: 'IFX106', messageId: 'empty', path: [], range })`.
 */
export function reportedDiagnostic(
  report: DiagnosticMessage & {
    path: DocumentPath;
    range: Range;
    suggestion?: string | undefined;
    severity?: Severity;
  },
): Diagnostic {
  const { code, path, range, suggestion, severity } = report;
  return createDiagnostic({
    code,
    message: formatMessage(report),
    path,
    range,
    ...(suggestion !== undefined ? { suggestion } : {}),
    ...(severity !== undefined ? { severity } : {}),
  });
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sorts by position, then code, so output is stable whatever order checks ran in. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col || a.code.localeCompare(b.code),
  );
}
