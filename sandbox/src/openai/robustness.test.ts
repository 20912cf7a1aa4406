import { describe, expect, it } from '@jest/globals';
import Ajv from 'ajv';
import fc from 'fast-check';
import { extractBySchema } from './extract';
import type { JsonSchema } from './extract';
import { respond } from './model';

const ajv = new Ajv({ strict: false, validateFormats: false });
const SCHEMAS: JsonSchema[] = [
  {
    type: 'object',
    required: ['a', 'b', 'c', 'd'],
    additionalProperties: false,
    properties: {
      a: { type: 'string', maxLength: 5 },
      b: { type: 'integer', minimum: 10, maximum: 20 },
      c: { type: 'boolean' },
      d: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 3 },
    },
  },
  {
    type: 'object',
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'qty'],
          properties: { name: { type: 'string', minLength: 1 }, qty: { type: 'integer', exclusiveMinimum: 0 } },
        },
      },
    },
  },
  {
    type: 'object',
    required: ['x'],
    properties: {
      x: { anyOf: [{ type: 'number' }, { type: 'null' }] },
      y: { type: ['string', 'null'] },
      z: { enum: ['one', 'two', 3] },
    },
  },
  { type: 'array', items: { type: 'string' }, minItems: 3, uniqueItems: true },
  {
    type: 'object',
    required: ['nested'],
    properties: {
      nested: {
        type: 'object',
        required: ['deeper'],
        properties: { deeper: { type: 'object', required: ['value'], properties: { value: { type: 'string' } } } },
      },
    },
  },
];

describe('robustness (seeded property tests)', () => {
  it('extractBySchema output validates for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 0, max: SCHEMAS.length - 1 }), (text, i) => {
        const schema = SCHEMAS[i]!;
        const value = extractBySchema(schema, text, { now: new Date('2026-02-01T00:00:00Z') });
        expect(ajv.validate(schema, value)).toBe(true);
      }),
      { seed: 20260201, numRuns: 300 },
    );
  });

  it('the chat model answers any conversation without throwing', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            role: fc.constantFrom('system', 'user', 'assistant', 'tool'),
            content: fc.string({ maxLength: 200 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (messages) => {
          const reply = respond({
            messages: messages as never,
            responseFormat: { type: 'text' },
            tools: [],
            toolChoice: 'none',
            now: new Date('2026-02-01T00:00:00Z'),
          });
          expect(reply.kind).toBe('text');
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});
