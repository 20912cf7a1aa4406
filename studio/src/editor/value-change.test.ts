import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { applyValueChange, valueChangeBetween } from './value-change';

/** A deep copy made without the code under test (what the page would hold after a whole-value message). */
const clone = <T>(value: T): T => structuredClone(value);

describe('valueChangeBetween / applyValueChange', () => {
  it('a changed string deep inside is one replacement at its path; the rest is shared, the old value untouched', () => {
    const before = {
      spec: {
        steps: [
          { id: 'a', with: { text: 'x' } },
          { id: 'b', with: { text: 'y' } },
        ],
      },
      n: 1,
    };
    const after = clone(before);
    after.spec.steps[1]!.with.text = 'yz';
    const change = valueChangeBetween(before, after);
    expect(change).toEqual({ replacements: [{ path: ['spec', 'steps', 1, 'with', 'text'], value: 'yz' }] });
    const held = clone(before);
    const next = applyValueChange(held, change!) as typeof before;
    expect(next).toEqual(after);
    expect(held).toEqual(before);
    expect(next.spec.steps[0]).toBe(held.spec.steps[0]);
  });

  it('nothing changed: no change; a new key, a longer list or another type: that part whole', () => {
    expect(valueChangeBetween({ a: [1] }, { a: [1] })).toBeUndefined();
    expect(valueChangeBetween({ a: [1] }, { a: [1, 2] })).toEqual({ replacements: [{ path: ['a'], value: [1, 2] }] });
    expect(valueChangeBetween({ a: 1 }, { a: 1, b: 2 })).toEqual({ whole: { a: 1, b: 2 } });
    expect(valueChangeBetween({ a: 1, b: 2 }, { b: 2, a: 1 })).toEqual({ whole: { b: 2, a: 1 } });
    expect(valueChangeBetween(undefined, { a: 1 })).toEqual({ whole: { a: 1 } });
    expect(valueChangeBetween({ a: 1 }, undefined)).toEqual({ whole: undefined });
    expect(valueChangeBetween({ a: { b: 1 } }, { a: null })).toEqual({ replacements: [{ path: ['a'], value: null }] });
  });

  it('more replacements than the limit: the whole value', () => {
    const before = Array.from({ length: 5 }, (_, i) => i);
    const after = before.map((i) => i + 1);
    expect(valueChangeBetween(before, after, 4)).toEqual({ whole: after });
    expect(valueChangeBetween(before, after, 5)).toEqual({
      replacements: after.map((value, i) => ({ path: [i], value })),
    });
  });

  it('a key named __proto__ stays an own key', () => {
    const before = JSON.parse('{"a": {"__proto__": {"x": 1}}}') as unknown;
    const after = JSON.parse('{"a": {"__proto__": {"x": 2}}}') as unknown;
    const next = applyValueChange(clone(before), valueChangeBetween(before, after)!);
    expect(JSON.stringify(next)).toBe(JSON.stringify(after));
    expect(Object.getPrototypeOf((next as { a: object }).a)).toBe(Object.prototype);
  });

  it('applied in order, a series of changes gives each value (key order included), seeded', () => {
    // YAML-like values: objects (keys in their order), lists, strings, numbers, booleans, null.
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.string({ maxLength: 4 }),
        fc.integer({ min: -3, max: 3 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'with', 'id'), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 }), (values, limit) => {
        let held: unknown;
        let sent: unknown;
        for (const value of values) {
          const change = valueChangeBetween(sent, value, limit);
          const previous = held;
          const previousText = JSON.stringify(previous);
          if (change) held = applyValueChange(held, change);
          expect(JSON.stringify(held)).toBe(JSON.stringify(value));
          expect(held).toEqual(value);
          // The value held before is not modified by applying a change to it.
          expect(JSON.stringify(previous)).toBe(previousText);
          sent = value;
        }
      }),
      { seed: 20261203, numRuns: 400 },
    );
  });
});
