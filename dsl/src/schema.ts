import { actionCatalog, type ActionName } from './catalog/actions';
import { connectionCatalog, connectionTypes } from './catalog/connections';
import type { JsonSchema } from './catalog/json-schema';
import { triggerCatalog, triggerKinds } from './catalog/triggers';

/**
 * Builds the published JSON Schema (2020-12) of an agent document from the catalogs. `dsl/schema/agent.schema.json`
 * is this function's output, checked in and kept in sync by a test; Ajv, Monaco and VS Code all read it.
 */

export const AGENT_SCHEMA_ID = 'https://ionflux.dev/schema/agent/v1.json';
export const IDENTIFIER_PATTERN = '^[a-z][a-zA-Z0-9_]*$';
export const EXPRESSION_PATTERN = '^\\s*\\{\\{[\\s\\S]*\\}\\}\\s*$';
export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$';
export const AGENT_NAME_PATTERN = '^[a-z][a-z0-9-]{0,62}$';
export const SEMVER_PATTERN =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$';

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });

/** Inlined (not a $ref) so that Ajv's error paths show which branch of a literal-or-expression failed. */
export const expressionSchema: JsonSchema = {
  type: 'string',
  pattern: EXPRESSION_PATTERN,
  description: 'A single `{{ expression }}`.',
};
const described = (description: string, schema: JsonSchema = {}): JsonSchema => ({ ...schema, description });

/** Parameters may take a `{{ expression }}` wherever a literal of another type is expected. */
function allowExpression(schema: JsonSchema): JsonSchema {
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const isPlainString =
    types.length === 1 && types[0] === 'string' && schema.enum === undefined && schema.pattern === undefined;
  if (types.length === 0 || isPlainString) return schema;
  const { description, default: defaultValue, ...typed } = schema;
  // The expression branch carries no description of its own: editors (yaml-language-server's hover) show the first
  // description among the schemas a value matches, the branch's before the parameter's, so a parameter holding an
  // expression would be described as "A single {{ expression }}" instead of by its own description.
  const { description: _expressionDescription, ...expressionBranch } = expressionSchema;
  const wrapped: JsonSchema = { anyOf: [typed, expressionBranch] };
  if (description !== undefined) wrapped.description = description;
  if (defaultValue !== undefined) wrapped.default = defaultValue;
  return wrapped;
}

function paramsSchema(action: ActionName): JsonSchema {
  const { params, title, description } = actionCatalog[action];
  const properties: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(params.properties ?? {})) {
    // `llm.extract`'s schema is a literal JSON Schema: it types the step's output, so it cannot be computed.
    properties[name] = name === 'schema' ? schema : allowExpression(schema);
  }
  const result: JsonSchema = {
    title,
    description,
    type: 'object',
    properties,
    additionalProperties: false,
  };
  if (params.required && params.required.length > 0) result.required = [...params.required];
  return result;
}

const stepCommonProperties: Record<string, JsonSchema> = {
  id: described('Unique step id, used in expressions as `steps.<id>.output`.', ref('identifier')),
  name: described('Display name (the node name in the n8n graph). Default: derived from the id.', {
    type: 'string',
    minLength: 1,
    maxLength: 80,
  }),
  description: described('What the step is for.', { type: 'string', maxLength: 500 }),
};

function stepSchemas(): Record<string, JsonSchema> {
  const actions = Object.keys(actionCatalog) as ActionName[];
  const actionStep: JsonSchema = {
    title: 'Action step',
    type: 'object',
    required: ['id', 'uses'],
    additionalProperties: false,
    properties: {
      ...stepCommonProperties,
      uses: described('The action to run.', { type: 'string', enum: actions }),
      connection: described(
        'Which declared connection the action uses. Optional when exactly one connection fits.',
        ref('identifier'),
      ),
      with: described('Parameters of the action; strings may contain `{{ expressions }}`.', { type: 'object' }),
      timeout: described('Give up on this step after this long, e.g. 30s.', ref('duration')),
      retries: ref('retries'),
      onError: ref('onError'),
    },
    allOf: actions.map((action) => ({
      if: { properties: { uses: { const: action } }, required: ['uses'] },
      then: { properties: { with: ref(`params.${action}`) } },
    })),
  };
  const ifStep: JsonSchema = {
    title: 'If step',
    type: 'object',
    required: ['id', 'if', 'then'],
    additionalProperties: false,
    properties: {
      ...stepCommonProperties,
      if: described('Condition, e.g. `{{ number(trigger.order.total_price) > inputs.threshold }}`.', ref('expression')),
      then: described('Steps run when the condition is true.', ref('steps')),
      else: described('Steps run when the condition is false.', ref('steps')),
    },
  };
  const switchStep: JsonSchema = {
    title: 'Switch step',
    type: 'object',
    required: ['id', 'switch', 'cases'],
    additionalProperties: false,
    properties: {
      ...stepCommonProperties,
      switch: described('Value to route on, e.g. `{{ trigger.order.financial_status }}`.', ref('expression')),
      cases: described('Steps per value (compared as text); up to 9 cases besides `default`.', {
        type: 'object',
        minProperties: 1,
        maxProperties: 9,
        additionalProperties: ref('steps'),
      }),
      default: described('Steps run when no case matches.', ref('steps')),
    },
  };
  const forEachStep: JsonSchema = {
    title: 'forEach step',
    type: 'object',
    required: ['id', 'forEach', 'steps'],
    additionalProperties: false,
    properties: {
      ...stepCommonProperties,
      forEach: described('List to loop over, e.g. `{{ steps.search.output.creators }}`.', ref('expression')),
      as: described('Name of the loop variable inside the loop (default `item`).', ref('identifier')),
      steps: described(
        "Steps run for every item. `steps.<loop id>.output` is a list with one entry per item: the item (under the loop variable's name) and the output of each action step of the loop body (under its id).",
        ref('steps'),
      ),
    },
  };
  const allStepKeys = {
    ...stepCommonProperties,
    uses: actionStep.properties!.uses!,
    connection: actionStep.properties!.connection!,
    with: actionStep.properties!.with!,
    timeout: actionStep.properties!.timeout!,
    retries: described('Retry the step when it fails.'),
    onError: described('What happens when the step fails: fail, continue, or goto a handler.'),
    if: ifStep.properties!.if!,
    then: ifStep.properties!.then!,
    else: ifStep.properties!.else!,
    switch: switchStep.properties!.switch!,
    cases: switchStep.properties!.cases!,
    default: switchStep.properties!.default!,
    forEach: forEachStep.properties!.forEach!,
    as: forEachStep.properties!.as!,
    steps: forEachStep.properties!.steps!,
  };
  // Descriptions only: they drive hover and completion; validation happens in the branch chosen below.
  const stepHints: Record<string, JsonSchema> = Object.fromEntries(
    Object.entries(allStepKeys).map(([key, schema]) => [key, { description: schema.description ?? '' }]),
  );
  return {
    steps: { type: 'array', items: ref('step'), maxItems: 500 },
    step: {
      description: 'A step: an action (`uses`), a branch (`if` / `switch`) or a loop (`forEach`).',
      type: 'object',
      properties: stepHints,
      if: { required: ['uses'] },
      then: ref('actionStep'),
      else: {
        if: { required: ['if'] },
        then: ref('ifStep'),
        else: {
          if: { required: ['switch'] },
          then: ref('switchStep'),
          else: {
            if: { required: ['forEach'] },
            then: ref('forEachStep'),
            else: ref('stepWithoutKind'),
          },
        },
      },
    },
    stepWithoutKind: { required: ['uses'] },
    actionStep,
    ifStep,
    switchStep,
    forEachStep,
  };
}

function triggerSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const kind of triggerKinds) {
    const { title, description, config } = triggerCatalog[kind];
    properties[kind] = { ...config, title, description };
  }
  return {
    description: 'What starts the agent: exactly one of the listed triggers.',
    type: 'object',
    properties,
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
  };
}

function connectionSchema(): JsonSchema {
  return {
    description: 'A connection the agent needs; bound to an account of the workspace when the agent is installed.',
    type: 'object',
    required: ['type'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', enum: [...connectionTypes], description: 'Kind of account.' },
      scopes: {
        type: 'array',
        items: { type: 'string' },
        uniqueItems: true,
        description: 'Permissions the agent asks for.',
      },
      description: { type: 'string', maxLength: 500, description: 'Why the agent needs it (shown at install time).' },
    },
    allOf: connectionTypes
      .filter((type) => connectionCatalog[type].scopes.length > 0)
      .map((type) => ({
        if: { properties: { type: { const: type } }, required: ['type'] },
        then: {
          properties: {
            scopes: { type: 'array', items: { type: 'string', enum: [...connectionCatalog[type].scopes] } },
          },
        },
      })),
  };
}

const inputTypes = ['string', 'number', 'integer', 'boolean', 'array', 'object'];

export function buildAgentSchema(): JsonSchema {
  const actions = Object.keys(actionCatalog) as ActionName[];
  const params: Record<string, JsonSchema> = {};
  for (const action of actions) params[`params.${action}`] = paramsSchema(action);

  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: AGENT_SCHEMA_ID,
    title: 'IONFLUX Agent',
    description: 'An IONFLUX agent definition (apiVersion ionflux/v1). Reference: docs/dsl.md.',
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: 'ionflux/v1', description: 'Version of the agent language.' },
      kind: { const: 'Agent', description: 'Always `Agent`.' },
      metadata: ref('metadata'),
      spec: ref('spec'),
    },
    $defs: {
      identifier: {
        type: 'string',
        pattern: IDENTIFIER_PATTERN,
        maxLength: 64,
        description: 'Starts with a lowercase letter; letters, digits and underscores (usable in expressions).',
      },
      expression: expressionSchema,
      duration: { type: 'string', pattern: DURATION_PATTERN, description: 'A duration such as 500ms, 30s, 5m, 1h.' },
      metadata: {
        description: 'Who the agent is: its name, version and description (shown in the marketplace).',
        type: 'object',
        required: ['name', 'version'],
        additionalProperties: false,
        properties: {
          name: {
            type: 'string',
            pattern: AGENT_NAME_PATTERN,
            description: 'Unique name: lowercase letters, digits and dashes.',
          },
          displayName: { type: 'string', minLength: 1, maxLength: 80, description: 'Human name.' },
          version: { type: 'string', pattern: SEMVER_PATTERN, description: 'Semantic version, e.g. 1.0.0.' },
          description: { type: 'string', maxLength: 1000, description: 'What the agent does.' },
          tags: {
            type: 'array',
            items: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' },
            maxItems: 20,
            uniqueItems: true,
            description: 'Marketplace tags.',
          },
          author: { type: 'string', maxLength: 120 },
          icon: { type: 'string', maxLength: 200, description: 'An emoji or an image URL.' },
          license: { type: 'string', maxLength: 64, description: 'SPDX license id, e.g. MIT.' },
        },
      },
      spec: {
        description: 'What the agent does: inputs, connections, trigger, steps, output and policy.',
        type: 'object',
        required: ['trigger', 'steps'],
        additionalProperties: false,
        properties: {
          inputs: {
            description: 'Typed parameters a user sets when configuring the agent (`{{ inputs.<name> }}`).',
            type: 'object',
            propertyNames: ref('identifier'),
            additionalProperties: ref('input'),
          },
          connections: {
            description: 'Accounts the agent needs (`{{ connections.<name> }}`).',
            type: 'object',
            propertyNames: ref('identifier'),
            additionalProperties: ref('connection'),
          },
          trigger: ref('trigger'),
          steps: described('What the agent does, in order.', { ...ref('steps'), type: 'array', minItems: 1 }),
          handlers: {
            description:
              'Named error handlers: steps run when a step with `onError: { goto: <name> }` fails (`{{ error }}`).',
            type: 'object',
            propertyNames: ref('identifier'),
            additionalProperties: { ...ref('steps'), type: 'array', minItems: 1 },
          },
          output: ref('output'),
          policy: ref('policy'),
        },
      },
      input: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', enum: inputTypes, description: 'Type of the value.' },
          default: { description: 'Value used when the user sets none.' },
          description: { type: 'string', maxLength: 500 },
          label: { type: 'string', maxLength: 80, description: 'Label in the configuration form.' },
          required: { type: 'boolean', description: 'The user must set it (no default).' },
          enum: { type: 'array', minItems: 1, description: 'Allowed values.' },
          items: {
            type: 'object',
            required: ['type'],
            additionalProperties: false,
            properties: { type: { type: 'string', enum: inputTypes.filter((t) => t !== 'array') } },
            description: 'Type of the items of an array input.',
          },
          minimum: { type: 'number' },
          maximum: { type: 'number' },
          format: { type: 'string', enum: ['date', 'date-time', 'email', 'uri'] },
        },
      },
      connection: connectionSchema(),
      trigger: triggerSchema(),
      ...stepSchemas(),
      retries: {
        description: 'Retry on failure: up to `max` extra attempts, waiting `delay` (doubling when exponential).',
        type: 'object',
        required: ['max'],
        additionalProperties: false,
        properties: {
          max: { type: 'integer', minimum: 0, maximum: 10, description: 'Extra attempts after the first.' },
          backoff: { type: 'string', enum: ['fixed', 'exponential'], default: 'exponential' },
          delay: { ...ref('duration'), description: 'Wait before the first retry (default 1s).' },
        },
      },
      onError: {
        description:
          '`fail` (default) stops the run; `continue` passes the error on as the step output; `{ goto: handler }` runs a handler.',
        anyOf: [
          { type: 'string', enum: ['fail', 'continue'] },
          {
            type: 'object',
            required: ['goto'],
            additionalProperties: false,
            properties: { goto: { ...ref('identifier'), description: 'Name of a handler under spec.handlers.' } },
          },
        ],
      },
      output: {
        description: 'What the run returns and where it is shown.',
        type: 'object',
        additionalProperties: false,
        properties: {
          value: described(
            'The run result: an expression, or a mapping/list whose strings may hold expressions. Default: the output of the last step that ran.',
          ),
          canvas: {
            description: "Write the result into a canvas block (the agent's snippet block by default).",
            type: 'object',
            required: ['block'],
            additionalProperties: false,
            properties: {
              page: {
                type: 'string',
                description: "Page id or title. Default: the page holding the agent's snippet block.",
              },
              block: { type: 'string', description: 'Block key on the page.' },
              mode: { type: 'string', enum: ['replace', 'append'], default: 'replace' },
              title: { type: 'string', maxLength: 200 },
              format: { type: 'string', enum: ['markdown', 'text', 'json', 'table'], default: 'markdown' },
            },
          },
          chat: {
            description: 'Post the result in a chat channel.',
            type: 'object',
            required: ['channel'],
            additionalProperties: false,
            properties: {
              channel: { type: 'string', description: 'Channel name (without #) or id.' },
              threadId: { type: 'string', description: 'Reply in this thread.' },
            },
          },
        },
      },
      policy: {
        description: 'Limits and defaults for the whole run.',
        type: 'object',
        additionalProperties: false,
        properties: {
          timeout: { ...ref('duration'), description: 'Stop the run after this long.' },
          retries: ref('retries'),
          onError: ref('onError'),
          budget: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tokens: {
                type: 'integer',
                minimum: 1,
                description: 'Stop before an LLM step would exceed this many tokens in the run.',
              },
              usd: { type: 'number', exclusiveMinimum: 0, description: 'Spending cap in US dollars.' },
            },
          },
          concurrency: {
            type: 'string',
            enum: ['parallel', 'serial'],
            default: 'parallel',
            description:
              'serial: runs of this agent never overlap in a workspace (a run waits until the previous one ends); ' +
              'parallel: they may run side by side.',
          },
        },
      },
      ...params,
    },
  };
}

export const agentSchema: JsonSchema = buildAgentSchema();
