import { useEffect, useState } from 'react';
import { getAction, type JsonSchema } from '@ionflux/dsl';

/** The text a field shows for a parameter value (objects and lists as flow JSON). */
function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Reads a field back with the parameter's type; an expression (`{{ }}`) stays text whatever the type. */
export function parameterValue(text: string, schema: JsonSchema): unknown {
  if (text.trim() === '') return undefined;
  if (text.includes('{{')) return text;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if ((type === 'number' || type === 'integer') && Number.isFinite(Number(text))) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (type === 'array' || type === 'object') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function ParameterField({
  name,
  schema,
  required,
  value,
  onCommit,
}: {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onCommit: (value: unknown) => void;
}) {
  const [text, setText] = useState(fieldText(value));
  useEffect(() => setText(fieldText(value)), [value]);
  const id = `param-${name}`;
  const commit = (next: string) => {
    if (next !== fieldText(value)) onCommit(parameterValue(next, schema));
  };
  // The widget follows the value in the YAML (an expression is typed as text), not the draft being typed.
  const isExpression = fieldText(value).includes('{{');
  return (
    <div className="param-field">
      <label htmlFor={id}>
        {name}
        {required ? ' (required)' : ''}
      </label>
      {schema.enum && !isExpression ? (
        <select
          id={id}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            commit(e.target.value);
          }}
        >
          {!required && (
            <option value="">(default{schema.default !== undefined ? `: ${String(schema.default)}` : ''})</option>
          )}
          {schema.enum.map((v) => (
            <option key={String(v)} value={String(v)}>
              {String(v)}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => commit(text)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit(text);
          }}
          placeholder={
            schema.default !== undefined ? `default: ${fieldText(schema.default)}` : 'value or {{ expression }}'
          }
          spellCheck={false}
        />
      )}
      {schema.description && <span className="hint">{schema.description}</span>}
    </div>
  );
}

/** The side form of a step: its action's parameters (from the action's parameter schema) and delete. */
export function StepForm({
  stepId,
  uses,
  values,
  onSetParameter,
  onDelete,
  onMove,
}: {
  stepId: string;
  uses: string | undefined;
  values: Record<string, unknown>;
  onSetParameter: (name: string, value: unknown) => void;
  onDelete: () => void;
  /** Moves the step one place up (-1) or down (+1) in its list; absent at that end of the list. */
  onMove: { up?: () => void; down?: () => void };
}) {
  const action = uses ? getAction(uses) : undefined;
  const properties = Object.entries(action?.params.properties ?? {});
  const required = new Set(action?.params.required ?? []);
  return (
    <section className="editor-step-form" aria-labelledby="step-form-title">
      <h2 id="step-form-title">Step {stepId}</h2>
      {uses && (
        <p className="hint">
          <code>{uses}</code>
          {action ? ` · ${action.title}` : ' · unknown action'}
        </p>
      )}
      <form aria-label={`Parameters of ${stepId}`} onSubmit={(e) => e.preventDefault()}>
        {properties.length === 0 && <p className="empty">No parameters.</p>}
        {properties.map(([name, schema]) => (
          <ParameterField
            key={`${stepId}.${name}`}
            name={name}
            schema={schema}
            required={required.has(name)}
            value={values[name]}
            onCommit={(value) => onSetParameter(name, value)}
          />
        ))}
      </form>
      <div className="toolbar">
        <button type="button" onClick={onMove.up} disabled={!onMove.up}>
          Move {stepId} up
        </button>
        <button type="button" onClick={onMove.down} disabled={!onMove.down}>
          Move {stepId} down
        </button>
        <button type="button" className="danger" onClick={onDelete}>
          Delete step {stepId}
        </button>
      </div>
    </section>
  );
}
