import { compileAgent } from './compile';
import { closestMatch, getAction, parseTemplate, stepKind, type DocumentPath, type Expression } from '@ionflux/dsl';
import {
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  stringify,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/**
 * Graph edits applied to agent YAML in place. The studio's graph (and `ionflux` tooling) describe a change as a
 * typed object; the edit locates the affected nodes with the yaml Document API and splices new text into exactly
 * their source ranges, so comments, key order, quoting and layout of everything else stay byte-for-byte.
 */
export type StepContainer = {
  /** Omitted: `spec.steps`. A step id (if, switch or forEach) or `handler:<name>`. */
  parent?: string;
  /** For an if: `then` | `else`; a switch: `default` | `case:<value>`; a forEach: `steps` (default). */
  branch?: string;
};

export type GraphEdit =
  | ({ type: 'addStep'; step: Record<string, unknown>; index?: number } & StepContainer)
  | { type: 'removeStep'; id: string }
  | { type: 'renameStep'; id: string; newId: string }
  | { type: 'setParameter'; id: string; name: string; value?: unknown }
  | {
      type: 'setField';
      id: string;
      field:
        | 'name'
        | 'description'
        | 'uses'
        | 'connection'
        | 'timeout'
        | 'retries'
        | 'onError'
        | 'if'
        | 'switch'
        | 'forEach'
        | 'as';
      value?: unknown;
    }
  | ({ type: 'moveStep'; id: string; index?: number } & StepContainer)
  /** Puts a step inside a new if (its `then`) or forEach (its `steps`) step, at the step's place. */
  | { type: 'wrapStep'; id: string; wrapper: StepWrapper };

/** The step a `wrapStep` edit puts around a step: an if with its condition, or a forEach over a list. */
export type StepWrapper = { id: string; if: string } | { id: string; forEach: string; as?: string };

export class GraphEditError extends Error {}

type Obj = Record<string, unknown>;

interface Parsed {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  value: unknown;
}

function parse(text: string): Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  if (doc.errors.length > 0)
    throw new GraphEditError(`The agent YAML does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
  return { text, doc, lineCounter, value: doc.toJS() };
}

/** Every step with its document path (main steps, nested steps, handlers). */
export function stepPaths(value: unknown): Map<string, DocumentPath> {
  const paths = new Map<string, DocumentPath>();
  const spec = (value as Obj | undefined)?.spec as Obj | undefined;
  const visit = (steps: unknown, path: DocumentPath) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, index) => {
      if (!step || typeof step !== 'object') return;
      const s = step as Obj;
      const stepPath = [...path, index];
      if (typeof s.id === 'string') paths.set(s.id, stepPath);
      visit(s.then, [...stepPath, 'then']);
      visit(s.else, [...stepPath, 'else']);
      visit(s.steps, [...stepPath, 'steps']);
      visit(s.default, [...stepPath, 'default']);
      if (s.cases && typeof s.cases === 'object')
        for (const [k, v] of Object.entries(s.cases as Obj)) visit(v, [...stepPath, 'cases', k]);
    });
  };
  visit(spec?.steps, ['spec', 'steps']);
  for (const [name, steps] of Object.entries((spec?.handlers as Obj | undefined) ?? {}))
    visit(steps, ['spec', 'handlers', name]);
  return paths;
}

function nodeAt(doc: Document.Parsed, path: DocumentPath): YamlNode | undefined {
  return doc.getIn(path, true) as YamlNode | undefined;
}

function pairAt(doc: Document.Parsed, path: DocumentPath): Pair | undefined {
  const parent = path.length === 1 ? doc.contents : nodeAt(doc, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  return (parent.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The end of a node's own text (before trailing comments and blank lines). */
function nodeEnd(node: YamlNode): number {
  return node.range![1];
}

function isEmptyCollection(value: unknown): boolean {
  return (
    (Array.isArray(value) && value.length === 0) ||
    (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)
  );
}

/** One value rendered inline (flow style when it is a collection). */
function renderInline(value: unknown): string {
  return stringify(value, { lineWidth: 0, collectionStyle: 'flow', flowCollectionPadding: true }).trimEnd();
}

/** A string scalar in the style the old scalar had (plain, quoted, block), at the given indentation. */
function renderScalarLike(old: Scalar, value: unknown, indent: number): string {
  if (typeof value !== 'string') return renderInline(value);
  const type = old.type ?? 'PLAIN';
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const scalar = new Scalar(value);
    scalar.type = type;
    const rendered = new Document(scalar).toString({ lineWidth: 0 }).trimEnd();
    const [header, ...lines] = rendered.split('\n');
    const pad = ' '.repeat(indent);
    return [header, ...lines.map((line) => (line.length > 0 ? pad + line.replace(/^ {2}/, '') : line))].join('\n');
  }
  const defaultStringType =
    type === 'QUOTE_SINGLE' ? 'QUOTE_SINGLE' : type === 'QUOTE_DOUBLE' ? 'QUOTE_DOUBLE' : 'PLAIN';
  const rendered = stringify(value, { lineWidth: 0, defaultStringType, defaultKeyType: 'PLAIN' }).trimEnd();
  return rendered.includes('\n')
    ? stringify(value, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE' }).trimEnd()
    : rendered;
}

/** Replacement text for a scalar's source range (block scalars own the newline that ends them). */
function scalarText(source: string, node: Scalar, value: unknown, indent: number): string {
  const rendered = renderScalarLike(node, value, indent);
  return source.slice(node.range![0], node.range![1]).endsWith('\n') && !rendered.endsWith('\n')
    ? `${rendered}\n`
    : rendered;
}

/** Lines shifted right (`shift` > 0) or left by `shift` columns, never past a line's own text. */
function reindent(text: string, shift: number): string {
  return text
    .split('\n')
    .map((line) =>
      line.length === 0
        ? line
        : shift >= 0
          ? ' '.repeat(shift) + line
          : line.slice(Math.min(-shift, line.length - line.trimStart().length)),
    )
    .join('\n');
}

/** Block YAML for a value under a key or seq item, indented by `indent` spaces (first line unindented). */
function renderBlock(value: unknown, indent: number): string {
  const text = stringify(value, { lineWidth: 0, flowCollectionPadding: true }).trimEnd();
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line.length === 0 ? line : ' '.repeat(indent) + line))
    .join('\n');
}

class Editor {
  private parsed: Parsed;

  constructor(text: string) {
    this.parsed = parse(text);
  }

  get text(): string {
    return this.parsed.text;
  }

  /** Goes back to an earlier text (an edit that turned out not to be needed). */
  reset(text: string): void {
    this.parsed = parse(text);
  }

  private splice(start: number, end: number, insert: string): void {
    const next = this.parsed.text.slice(0, start) + insert + this.parsed.text.slice(end);
    this.parsed = parse(next);
  }

  private stepPath(id: string): DocumentPath {
    const path = stepPaths(this.parsed.value).get(id);
    if (!path) throw new GraphEditError(`There is no step '${id}'.`);
    return path;
  }

  private containerPath({ parent, branch }: StepContainer): DocumentPath {
    if (parent === undefined) return ['spec', 'steps'];
    if (parent.startsWith('handler:')) return ['spec', 'handlers', parent.slice('handler:'.length)];
    const path = this.stepPath(parent);
    const step = this.parsed.doc.getIn(path) as unknown;
    const kind = stepKind(isMap(step) ? (step as YAMLMap).toJSON() : step);
    if (kind === 'if') {
      if (branch !== 'then' && branch !== 'else')
        throw new GraphEditError(`Branch of if step '${parent}' is then or else.`);
      return [...path, branch];
    }
    if (kind === 'switch') {
      if (branch === 'default') return [...path, 'default'];
      if (branch?.startsWith('case:')) return [...path, 'cases', branch.slice('case:'.length)];
      throw new GraphEditError(`Branch of switch step '${parent}' is default or case:<value>.`);
    }
    if (kind === 'forEach') return [...path, 'steps'];
    throw new GraphEditError(`Step '${parent}' has no steps inside it.`);
  }

  /** Sets (or removes with `undefined`) the value under `path` (a mapping key), creating nothing above it. */
  setValue(path: DocumentPath, value: unknown): void {
    const { doc, text } = this.parsed;
    const pair = pairAt(doc, path);
    const mapPath = path.slice(0, -1);
    const key = String(path[path.length - 1]);
    const map = mapPath.length === 0 ? doc.contents : nodeAt(doc, mapPath);
    if (!isMap(map)) throw new GraphEditError(`${mapPath.join('.')} is not a mapping.`);
    if (value === undefined) {
      if (pair) this.removePair(map, pair);
      return;
    }
    if (pair && isScalar(pair.value) && (value === null || typeof value !== 'object')) {
      const node = pair.value as Scalar;
      const keyIndent = columnOf(text, (pair.key as YamlNode).range![0]);
      this.splice(node.range![0], node.range![1], scalarText(text, node, value, keyIndent + 2));
      return;
    }
    if (pair && isEmptyCollection(value)) {
      // `key: []` / `key: {}` on the key's own line, whatever the old value's shape.
      const keyEnd = (pair.key as YamlNode).range![1];
      const colon = text.indexOf(':', keyEnd);
      this.splice(
        colon + 1,
        pair.value ? nodeEnd(pair.value as YamlNode) : colon + 1,
        ` ${Array.isArray(value) ? '[]' : '{}'}${pair.value && !map.flow && (isMap(pair.value) || isSeq(pair.value)) && !(pair.value as YAMLSeq).flow ? '\n' : ''}`,
      );
      return;
    }
    if (pair) {
      const node = pair.value as YamlNode;
      const keyIndent = columnOf(text, (pair.key as YamlNode).range![0]);
      const flowValue = map.flow || (isMap(node) || isSeq(node) ? node.flow : true);
      const rendered = flowValue
        ? renderInline(value)
        : `\n${' '.repeat(keyIndent + 2)}${renderBlock(value, keyIndent + 2)}`;
      const valueStart = flowValue ? node.range![0] : (pair.key as YamlNode).range![1] + 1;
      this.splice(valueStart, nodeEnd(node), flowValue ? rendered : rendered);
      return;
    }
    this.insertPair(map, key, value);
  }

  private insertPair(map: YAMLMap, key: string, value: unknown): void {
    const { text } = this.parsed;
    const items = map.items as Pair[];
    if (map.flow) {
      const close = text.lastIndexOf('}', map.range![1]);
      const before = text.slice(map.range![0], close).trimEnd();
      const separator = before.endsWith('{') ? ' ' : ', ';
      const insertAt = map.range![0] + before.length;
      this.splice(insertAt, insertAt, `${separator}${key}: ${renderInline(value)}`);
      return;
    }
    const last = items[items.length - 1];
    if (!last) throw new GraphEditError('Cannot add to an empty block mapping.');
    const indent = columnOf(text, (last.key as YamlNode).range![0]);
    const lastEnd = last.value ? nodeEnd(last.value as YamlNode) : (last.key as YamlNode).range![1];
    const at = lineEnd(text, Math.max(lastEnd - 1, 0));
    const rendered =
      value !== null && typeof value === 'object' && JSON.stringify(value).length > 60
        ? `${key}:\n${' '.repeat(indent + 2)}${renderBlock(value, indent + 2)}`
        : `${key}: ${renderInline(value)}`;
    const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
    this.splice(at, at, `${prefix}${' '.repeat(indent)}${rendered}\n`);
  }

  private removePair(map: YAMLMap, pair: Pair): void {
    const { text } = this.parsed;
    const keyStart = (pair.key as YamlNode).range![0];
    const end = pair.value ? nodeEnd(pair.value as YamlNode) : (pair.key as YamlNode).range![1];
    if (map.flow) {
      const items = map.items as Pair[];
      const index = items.indexOf(pair);
      if (index > 0) {
        const previousEnd = nodeEnd((items[index - 1]!.value ?? items[index - 1]!.key) as YamlNode);
        this.splice(previousEnd, end, '');
      } else {
        const next = items[1];
        this.splice(keyStart, next ? (next.key as YamlNode).range![0] : end, '');
      }
      return;
    }
    this.splice(lineStart(text, keyStart), lineEnd(text, Math.max(end - 1, keyStart)), '');
  }

  /**
   * The text of a seq item (from its `- ` line to the end of its last line) and the item's column. With
   * `withComments`, from the comment lines right above it at its column (no blank line between): a step's own
   * comments, which go where the step goes.
   */
  private itemText(seq: YAMLSeq, index: number, withComments = false): { start: number; end: number; column: number } {
    const { text } = this.parsed;
    const item = seq.items[index] as YamlNode;
    const itemStart = item.range![0];
    if (seq.flow) return { start: itemStart, end: nodeEnd(item), column: columnOf(text, itemStart) };
    const dash = text.lastIndexOf('-', itemStart);
    const column = columnOf(text, dash);
    let start = lineStart(text, dash);
    while (withComments && start > 0) {
      const above = lineStart(text, start - 1);
      const line = text.slice(above, start - 1);
      if (!line.startsWith(`${' '.repeat(column)}#`)) break;
      start = above;
    }
    return { start, end: lineEnd(text, Math.max(nodeEnd(item) - 1, itemStart)), column };
  }

  insertStep(containerPath: DocumentPath, step: Obj, index?: number): void {
    let seq = nodeAt(this.parsed.doc, containerPath);
    if (!seq) {
      // A branch that is not there yet (an if without else): `else: []` first, then the step into it.
      this.setValue(containerPath, []);
      seq = nodeAt(this.parsed.doc, containerPath);
    }
    // After that insertion: ranges are of the new text.
    const { text } = this.parsed;
    if (!isSeq(seq)) throw new GraphEditError(`${containerPath.join('.')} is not a list of steps.`);
    const count = seq.items.length;
    const at = Math.max(0, Math.min(index ?? count, count));
    if (seq.flow) {
      const rendered = renderInline(step);
      if (count === 0) {
        const open = text.indexOf('[', seq.range![0]);
        const close = text.indexOf(']', open);
        this.splice(open, close + 1, `[ ${rendered} ]`);
      } else if (at === count) {
        const lastEnd = nodeEnd(seq.items[count - 1] as YamlNode);
        this.splice(lastEnd, lastEnd, `, ${rendered}`);
      } else {
        const start = (seq.items[at] as YamlNode).range![0];
        this.splice(start, start, `${rendered}, `);
      }
      return;
    }
    const reference = this.itemText(seq, Math.min(at, count - 1));
    const indent = reference.column;
    const rendered = `${' '.repeat(indent)}- ${renderBlock(step, indent + 2)}\n`;
    const insertAt = at === count ? reference.end : reference.start;
    const prefix = insertAt === this.parsed.text.length && !this.parsed.text.endsWith('\n') ? '\n' : '';
    this.splice(insertAt, insertAt, prefix + rendered);
  }

  /** Removes a step's text; `withComments` also the comment lines right above it (a move takes them along). */
  removeStep(id: string, withComments = false): { text: string; column: number } {
    const path = this.stepPath(id);
    const seq = nodeAt(this.parsed.doc, path.slice(0, -1));
    if (!isSeq(seq)) throw new GraphEditError(`Step '${id}' is not in a list.`);
    const index = path[path.length - 1] as number;
    const { start, end, column } = this.itemText(seq, index, withComments);
    const removed = this.parsed.text.slice(start, end);
    if (seq.items.length === 1 && path.length === 3 && path[0] === 'spec' && path[1] === 'steps') {
      throw new GraphEditError(`'${id}' is the agent's only step; an agent needs at least one.`);
    }
    if (!seq.flow && seq.items.length === 1) {
      // The last step of a block list: the list becomes `[]` rather than an empty (null) key.
      this.setValue(path.slice(0, -1), []);
      return { text: removed, column };
    }
    if (seq.flow) {
      const items = seq.items as YamlNode[];
      if (index > 0) this.splice(nodeEnd(items[index - 1]!), end, '');
      else this.splice(start, items[1] ? items[1].range![0] : end, '');
    } else {
      this.splice(start, end, '');
    }
    return { text: removed, column };
  }

  /** Moves a step's own text (with its comments) to another list, re-indenting it. */
  moveStep(id: string, container: StepContainer, index?: number): void {
    const path = this.stepPath(id);
    const seq = nodeAt(this.parsed.doc, path.slice(0, -1));
    if (isSeq(seq) && seq.flow) {
      const value = this.parsed.doc.getIn(path) as YAMLMap;
      const step = value.toJSON() as Obj;
      this.removeStep(id);
      this.insertStep(this.containerPath(container), step, index);
      return;
    }
    const moved = this.removeStep(id, true);
    const target = this.containerPath(container);
    let targetSeq = nodeAt(this.parsed.doc, target);
    const owner = nodeAt(this.parsed.doc, target.slice(0, -1));
    const empty = !targetSeq || (isSeq(targetSeq) && targetSeq.items.length === 0);
    if (empty && isMap(owner) && !owner.flow) {
      // A branch that is not there yet or is `[]` (an if without else, an empty default): it becomes a block
      // list holding the step's own text, so its comments and formatting survive.
      if (!targetSeq) {
        this.setValue(target, []);
        targetSeq = nodeAt(this.parsed.doc, target);
      }
      const { text } = this.parsed;
      const key = (pairAt(this.parsed.doc, target)!.key as YamlNode).range!;
      const colon = text.indexOf(':', key[1]);
      const valueEnd = nodeEnd(targetSeq as YamlNode);
      const afterLine = lineEnd(text, valueEnd - 1);
      const body = reindent(moved.text, columnOf(text, key[0]) + 2 - moved.column);
      this.parsed = parse(
        text.slice(0, colon + 1) +
          text.slice(valueEnd, afterLine) +
          (afterLine === text.length && !text.endsWith('\n') ? '\n' : '') +
          (body.endsWith('\n') ? body : `${body}\n`) +
          text.slice(afterLine),
      );
      return;
    }
    if (!isSeq(targetSeq) || targetSeq.flow || targetSeq.items.length === 0) {
      const step = parseDocument(moved.text.replace(new RegExp(`^ {${moved.column}}`, 'gm'), '')).toJS() as Obj[];
      this.insertStep(target, step[0]!, index);
      return;
    }
    const count = targetSeq.items.length;
    const at = Math.max(0, Math.min(index ?? count, count));
    // Before the next step's own comments, so they stay with it.
    const reference = this.itemText(targetSeq, Math.min(at, count - 1), true);
    const reindented = reindent(moved.text, reference.column - moved.column);
    const insertAt = at === count ? reference.end : reference.start;
    this.splice(insertAt, insertAt, reindented.endsWith('\n') ? reindented : `${reindented}\n`);
  }

  /**
   * Wraps a step in a new if or forEach step: the step's own text (with its comments) moves, re-indented, under the
   * wrapper's `then` / `steps`, so nothing inside it is re-rendered.
   */
  wrapStep(id: string, wrapper: StepWrapper): void {
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(wrapper.id))
      throw new GraphEditError(
        `'${wrapper.id}' is not a valid step id (lowercase start; letters, digits, underscores).`,
      );
    if (stepPaths(this.parsed.value).has(wrapper.id))
      throw new GraphEditError(`A step '${wrapper.id}' already exists.`);
    const isIf = 'if' in wrapper;
    const expression = isIf ? wrapper.if : wrapper.forEach;
    if (typeof expression !== 'string' || expression.trim() === '')
      throw new GraphEditError(isIf ? 'An if needs a condition.' : 'A forEach needs the list to go over.');
    if (!isIf && wrapper.as !== undefined && !/^[a-z][a-zA-Z0-9_]*$/.test(wrapper.as))
      throw new GraphEditError(`'${wrapper.as}' is not a valid loop variable name (lowercase start; letters, digits).`);
    const path = this.stepPath(id);
    const index = path[path.length - 1] as number;
    const seq = nodeAt(this.parsed.doc, path.slice(0, -1));
    if (!isSeq(seq)) throw new GraphEditError(`Step '${id}' is not in a list.`);
    const fields: [string, unknown][] = isIf
      ? [['if', expression]]
      : [['forEach', expression], ...(wrapper.as !== undefined ? [['as', wrapper.as] as [string, unknown]] : [])];
    const branch = isIf ? 'then' : 'steps';
    if (seq.flow) {
      const item = seq.items[index] as YamlNode;
      const step = (item as YAMLMap).toJSON() as Obj;
      const value = { id: wrapper.id, ...Object.fromEntries(fields), [branch]: [step] };
      this.splice(item.range![0], nodeEnd(item), renderInline(value));
      return;
    }
    const { start, end, column } = this.itemText(seq, index);
    const pad = ' '.repeat(column);
    const inner = this.parsed.text
      .slice(start, end)
      .split('\n')
      .map((line) => (line.length === 0 ? line : `    ${line}`))
      .join('\n');
    const head = [
      `${pad}- id: ${wrapper.id}`,
      ...fields.map(([key, value]) => `${pad}  ${key}: ${renderInline(value)}`),
      `${pad}  ${branch}:`,
    ].join('\n');
    this.splice(start, end, `${head}\n${inner.endsWith('\n') ? inner : `${inner}\n`}`);
  }

  /** Renames a step and every `steps.<id>` reference to it in expressions, keeping each string's style. */
  renameStep(id: string, newId: string): void {
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(newId))
      throw new GraphEditError(`'${newId}' is not a valid step id (lowercase start; letters, digits, underscores).`);
    if (stepPaths(this.parsed.value).has(newId)) throw new GraphEditError(`A step '${newId}' already exists.`);
    this.setValue([...this.stepPath(id), 'id'], newId);
    // Rewrite references, one scalar at a time, from the end of the text backwards so offsets stay valid.
    const scalars: { node: Scalar; value: string; keyIndent: number }[] = [];
    const collect = (node: unknown, keyIndent: number) => {
      if (isScalar(node) && typeof node.value === 'string' && node.value.includes('{{'))
        scalars.push({ node, value: node.value, keyIndent });
      else if (isMap(node))
        for (const pair of node.items as Pair[])
          collect(
            pair.value,
            pair.key && (pair.key as YamlNode).range
              ? columnOf(this.parsed.text, (pair.key as YamlNode).range![0])
              : keyIndent,
          );
      else if (isSeq(node)) for (const item of node.items) collect(item, keyIndent);
      else if (isPair(node)) collect(node.value, keyIndent);
    };
    collect(this.parsed.doc.contents, 0);
    scalars.sort((a, b) => b.node.range![0] - a.node.range![0]);
    for (const { node, value, keyIndent } of scalars) {
      const renamed = renameReferences(value, id, newId);
      if (renamed === value) continue;
      const current = this.parsed.text;
      const text = scalarText(current, node, renamed, keyIndent + 2);
      this.parsed = parse(current.slice(0, node.range![0]) + text + current.slice(node.range![1]));
    }
  }

  apply(edit: GraphEdit): void {
    switch (edit.type) {
      case 'addStep': {
        if (typeof edit.step.id !== 'string') throw new GraphEditError('A new step needs an id.');
        if (stepPaths(this.parsed.value).has(edit.step.id))
          throw new GraphEditError(`A step '${edit.step.id}' already exists.`);
        this.insertStep(this.containerPath(edit), edit.step, edit.index);
        return;
      }
      case 'removeStep':
        this.removeStep(edit.id);
        return;
      case 'renameStep':
        this.renameStep(edit.id, edit.newId);
        return;
      case 'setParameter': {
        const path = this.stepPath(edit.id);
        const step = this.parsed.doc.getIn(path, true);
        if (!isMap(step)) throw new GraphEditError(`Step '${edit.id}' is not a mapping.`);
        if (!step.has('uses'))
          throw new GraphEditError(`Step '${edit.id}' is not an action; only actions take parameters.`);
        const action = getAction(String(step.get('uses')));
        const known = Object.keys(action?.params.properties ?? {});
        if (action && !known.includes(edit.name)) {
          const suggestion = closestMatch(edit.name, known);
          throw new GraphEditError(
            `${String(step.get('uses'))} has no parameter '${edit.name}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}.`,
          );
        }
        if (!step.has('with')) {
          if (edit.value === undefined) return;
          this.setValue([...path, 'with'], { [edit.name]: edit.value });
          return;
        }
        this.setValue([...path, 'with', edit.name], edit.value);
        const withValue = this.parsed.doc.getIn([...path, 'with'], true);
        if (isMap(withValue) && withValue.items.length === 0) this.setValue([...path, 'with'], undefined);
        return;
      }
      case 'setField':
        this.setValue([...this.stepPath(edit.id), edit.field], edit.value);
        return;
      case 'moveStep':
        this.moveStep(edit.id, edit, edit.index);
        return;
      case 'wrapStep':
        this.wrapStep(edit.id, edit.wrapper);
        return;
    }
  }
}

/** Rewrites `steps.<from>` to `steps.<to>` inside the expressions of a string, leaving all other text alone. */
export function renameReferences(value: string, from: string, to: string): string {
  const template = parseTemplate(value);
  const spans: { start: number; end: number }[] = [];
  const visit = (e: Expression | undefined): void => {
    if (!e) return;
    switch (e.kind) {
      case 'member':
        if (e.object.kind === 'identifier' && e.object.name === 'steps' && e.property === from)
          spans.push({ start: e.propertyStart, end: e.end });
        visit(e.object);
        return;
      case 'index':
        visit(e.object);
        visit(e.index);
        return;
      case 'call':
        e.args.forEach(visit);
        return;
      case 'unary':
        visit(e.operand);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'conditional':
        visit(e.test);
        visit(e.consequent);
        visit(e.alternate);
        return;
      case 'array':
        e.items.forEach(visit);
        return;
      default:
        return;
    }
  };
  for (const part of template.parts) if (part.kind === 'expression') visit(part.expression);
  let result = value;
  for (const span of spans.sort((a, b) => b.start - a.start))
    result = result.slice(0, span.start) + to + result.slice(span.end);
  return result;
}

/**
 * Applies graph edits to agent YAML text, in order. Only the text of what changed is rewritten.
 *
 * @example
 * applyGraphEdits(yaml, [{ type: 'setParameter', id: 'revenue', name: 'period', value: 'last_30_days' }]);
 */
export function applyGraphEdits(text: string, edits: GraphEdit[]): string {
  const editor = new Editor(text);
  for (const edit of edits) editor.apply(edit);
  return editor.text;
}

const NESTED_STEP_KEYS = new Set(['then', 'else', 'steps', 'default', 'cases']);

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Obj)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

const isPlainObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Where a step sits: its container (parent step and branch, or a handler) and its index there. */
function containerOf(path: DocumentPath, value: unknown): StepContainer & { index: number } {
  const index = path[path.length - 1] as number;
  const list = path.slice(0, -1);
  if (list.length === 2 && list[0] === 'spec' && list[1] === 'steps') return { index };
  if (list.length === 3 && list[0] === 'spec' && list[1] === 'handlers')
    return { parent: `handler:${String(list[2])}`, index };
  let parentPath: DocumentPath;
  let branch: string;
  if (list[list.length - 2] === 'cases') {
    parentPath = list.slice(0, -2);
    branch = `case:${String(list[list.length - 1])}`;
  } else {
    parentPath = list.slice(0, -1);
    branch = String(list[list.length - 1]);
  }
  let parent: unknown = value;
  for (const key of parentPath) parent = (parent as Obj)[key as string];
  return { parent: String((parent as Obj).id), branch, index };
}

/** What an agent text compiles to, as its content hash (undefined when it does not compile). */
function agentHash(text: string): string | undefined {
  return compileAgent(text).workflow?.meta.ionflux.hash;
}

/**
 * Applies a whole new version of an agent (decompiled from a workflow edited in n8n, say) onto its YAML text with
 * the text-preserving edits: steps are matched by id and only what changed is rewritten (parameters, fields,
 * added, removed and moved steps; other sections key by key), so comments and formatting of the rest stay.
 * `preserved` is false when the edits could not reproduce the new agent exactly and the text was rewritten whole.
 *
 * @example
 * const { text } = mergeAgentText(readFileSync('agent.yaml', 'utf8'), decompileWorkflow(pulled).agent);
 */
export function mergeAgentText(
  text: string,
  next: Obj,
  render: (agent: Obj) => string,
): {
  text: string;
  preserved: boolean;
} {
  try {
    const editor = new Editor(text);
    const editorValue = () => (editor as unknown as { parsed: Parsed }).parsed.value as Obj;
    // The decompiler writes agents in a normal form (defaults filled in, a display name equal to the default title
    // left out): a difference that does not change what the agent compiles to is not an edit, and is skipped.
    const setValue = (path: DocumentPath, value: unknown) => {
      const before = editor.text;
      editor.setValue(path, value);
      if (agentHash(editor.text) === agentHash(before)) editor.reset(before);
    };
    const nextPaths = stepPaths(next);
    const valueAt = (root: unknown, path: DocumentPath) =>
      path.reduce<unknown>((v, k) => (v as Obj | undefined)?.[k as string], root);

    // Removed steps (a step inside a removed one goes with it).
    for (const id of [...stepPaths(editorValue()).keys()])
      if (!nextPaths.has(id) && stepPaths(editorValue()).has(id)) editor.removeStep(id);

    // Changed fields and parameters of steps in both.
    for (const [id, nextPath] of nextPaths) {
      const currentPath = stepPaths(editorValue()).get(id);
      if (!currentPath) continue;
      const current = valueAt(editorValue(), currentPath) as Obj;
      const wanted = valueAt(next, nextPath) as Obj;
      for (const key of new Set([...Object.keys(current), ...Object.keys(wanted)])) {
        if (NESTED_STEP_KEYS.has(key) || key === 'id' || sameValue(current[key], wanted[key])) continue;
        if (key === 'with' && isPlainObject(current.with) && isPlainObject(wanted.with)) {
          for (const name of new Set([...Object.keys(current.with), ...Object.keys(wanted.with)]))
            if (!sameValue(current.with[name], wanted.with[name]))
              setValue([...currentPath, 'with', name], wanted.with[name]);
        } else {
          setValue([...currentPath, key], wanted[key]);
        }
      }
    }

    // New handlers, then new steps in document order (a new step brings its nested steps along).
    const nextHandlers = ((next.spec as Obj | undefined)?.handlers ?? {}) as Obj;
    for (const [name, steps] of Object.entries(nextHandlers)) {
      const handlers = (editorValue().spec as Obj).handlers as Obj | undefined;
      if (!handlers?.[name]) {
        if (handlers) setValue(['spec', 'handlers', name], steps);
        else setValue(['spec', 'handlers'], { [name]: steps });
      }
    }
    for (const [id, nextPath] of nextPaths) {
      if (stepPaths(editorValue()).has(id)) continue;
      const { index, ...container } = containerOf(nextPath, next);
      if (
        container.parent &&
        !container.parent.startsWith('handler:') &&
        !stepPaths(editorValue()).has(container.parent)
      )
        continue;
      editor.apply({ type: 'addStep', step: valueAt(next, nextPath) as Obj, index, ...container });
    }

    // Order: move steps whose place differs.
    for (const [id, nextPath] of nextPaths) {
      const { index, ...container } = containerOf(nextPath, next);
      const currentPath = stepPaths(editorValue()).get(id)!;
      const current = containerOf(currentPath, editorValue());
      if (current.parent !== container.parent || current.branch !== container.branch || current.index !== index)
        editor.apply({ type: 'moveStep', id, index, ...container });
    }

    // Everything outside steps, key by key.
    const mergeValue = (path: DocumentPath, wanted: unknown) => {
      const current = valueAt(editorValue(), path);
      if (sameValue(current, wanted)) return;
      if (isPlainObject(current) && isPlainObject(wanted) && Object.keys(current).length > 0) {
        for (const key of new Set([...Object.keys(current), ...Object.keys(wanted)])) {
          if (path.length === 1 && path[0] === 'spec' && (key === 'steps' || key === 'handlers')) continue;
          mergeValue([...path, key], wanted[key]);
        }
        return;
      }
      setValue(path, wanted);
    };
    for (const key of new Set([...Object.keys(editorValue()), ...Object.keys(next)])) mergeValue([key], next[key]);
    // Removed handlers.
    const handlers = ((editorValue().spec as Obj).handlers ?? {}) as Obj;
    for (const name of Object.keys(handlers))
      if (!(name in nextHandlers)) setValue(['spec', 'handlers', name], undefined);

    if (agentHash(editor.text) === agentHash(render(next))) return { text: editor.text, preserved: true };
  } catch (error) {
    if (!(error instanceof GraphEditError)) throw error;
  }
  return { text: render(next), preserved: false };
}
