import { useEffect, useState } from 'react';
import { getAction, type JsonSchema } from '@ionflux/dsl';
import type { StepWrapper } from '@ionflux/compiler';

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

/** Wraps the step in a new if (a condition) or forEach (a list and its item's name), from the side form. */
function WrapForm({
  stepId,
  suggestId,
  onWrap,
}: {
  stepId: string;
  suggestId: (kind: 'if' | 'forEach') => string;
  onWrap: (wrapper: StepWrapper) => void;
}) {
  const [kind, setKind] = useState<'if' | 'forEach'>('if');
  const [expression, setExpression] = useState('');
  const [as, setAs] = useState('item');
  return (
    <form
      className="wrap-form"
      aria-label={`Wrap ${stepId}`}
      onSubmit={(e) => {
        e.preventDefault();
        const id = suggestId(kind);
        onWrap(kind === 'if' ? { id, if: expression } : { id, forEach: expression, ...(as ? { as } : {}) });
        setExpression('');
      }}
    >
      <label htmlFor="wrap-kind">Wrap {stepId} in</label>
      <select id="wrap-kind" value={kind} onChange={(e) => setKind(e.target.value as 'if' | 'forEach')}>
        <option value="if">if (run it when a condition holds)</option>
        <option value="forEach">forEach (run it for each item of a list)</option>
      </select>
      <label htmlFor="wrap-expression">{kind === 'if' ? 'Condition' : 'List'}</label>
      <input
        id="wrap-expression"
        value={expression}
        onChange={(e) => setExpression(e.target.value)}
        placeholder={kind === 'if' ? '{{ steps.x.output.count > 0 }}' : '{{ steps.x.output.items }}'}
        spellCheck={false}
        required
      />
      {kind === 'forEach' && (
        <>
          <label htmlFor="wrap-as">Item name</label>
          <input id="wrap-as" value={as} onChange={(e) => setAs(e.target.value)} spellCheck={false} />
        </>
      )}
      <button type="submit">Wrap {stepId}</button>
    </form>
  );
}

/** The side form of a step: its action's parameters (from the action's parameter schema), move, wrap, delete. */
export function StepForm({
  stepId,
  uses,
  values,
  onSetParameter,
  onDelete,
  onMove,
  onWrap,
  suggestWrapperId,
}: {
  stepId: string;
  uses: string | undefined;
  values: Record<string, unknown>;
  onSetParameter: (name: string, value: unknown) => void;
  onDelete: () => void;
  /** Moves the step one place up (-1) or down (+1) in its list; absent at that end of the list. */
  onMove: { up?: () => void; down?: () => void };
  onWrap: (wrapper: StepWrapper) => void;
  /** A free step id for the wrapper of this kind. */
  suggestWrapperId: (kind: 'if' | 'forEach') => string;
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
      <WrapForm key={stepId} stepId={stepId} suggestId={suggestWrapperId} onWrap={onWrap} />
    </section>
  );
}
