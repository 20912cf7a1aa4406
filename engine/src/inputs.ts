import type { InputDefinition } from '@ionflux/dsl';

/** A run argument that does not fit the agent: names the field and the fix. Callers map it to a 4xx. */
export class RunInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function typeProblem(value: unknown, definition: InputDefinition): string | undefined {
  switch (definition.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'text';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : 'a whole number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'array':
      return Array.isArray(value) ? undefined : 'a list';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : 'an object';
  }
}

/**
 * The agent's inputs for a run: declared defaults, overridden by the given values, each checked against its
 * declaration (type, enum, range, list item type). Unknown names and missing required inputs are errors.
 */
export function resolveInputs(
  definitions: Record<string, InputDefinition>,
  given: Record<string, unknown> = {},
): Record<string, unknown> {
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new RunInputError('inputs', 'Inputs are an object of name: value.');
  for (const name of Object.keys(given)) {
    if (!(name in definitions)) {
      const known = Object.keys(definitions);
      throw new RunInputError(
        `inputs.${name}`,
        `The agent has no input '${name}'${known.length ? ` (inputs: ${known.join(', ')})` : ''}.`,
      );
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const value = name in given ? given[name] : definition.default;
    if (value === undefined) {
      if (definition.required) throw new RunInputError(`inputs.${name}`, `Input '${name}' is required.`);
      resolved[name] = null;
      continue;
    }
    const expected = typeProblem(value, definition);
    if (expected)
      throw new RunInputError(`inputs.${name}`, `Input '${name}' must be ${expected}, got ${JSON.stringify(value)}.`);
    if (definition.enum && !definition.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
      throw new RunInputError(
        `inputs.${name}`,
        `Input '${name}' must be one of ${definition.enum.map((v) => JSON.stringify(v)).join(', ')}.`,
      );
    }
    if (typeof value === 'number') {
      if (definition.minimum !== undefined && value < definition.minimum)
        throw new RunInputError(`inputs.${name}`, `Input '${name}' must be at least ${definition.minimum}.`);
      if (definition.maximum !== undefined && value > definition.maximum)
        throw new RunInputError(`inputs.${name}`, `Input '${name}' must be at most ${definition.maximum}.`);
    }
    if (Array.isArray(value) && definition.items) {
      value.forEach((item, index) => {
        const problem = typeProblem(item, { type: definition.items!.type } as InputDefinition);
        if (problem)
          throw new RunInputError(`inputs.${name}[${index}]`, `Item ${index} of input '${name}' must be ${problem}.`);
      });
    }
    resolved[name] = value;
  }
  return resolved;
}
