import { describe, expect, it } from '@jest/globals';
import Ajv from 'ajv';
import { extractBySchema, keysFromInstruction } from './extract';
import type { JsonSchema } from './extract';

const ajv = new Ajv({ allErrors: true, strict: false });
// The formats the schemas below use (ajv-formats is not a dependency; these follow RFC 3339 / the HTML email rule).
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
const now = new Date('2026-02-01T12:00:00Z');

const BRIEF = `Campaign brief from Lumen Home.
Brand: Lumen Home
Budget: $4,500
Deadline: March 14, 2026
Contact: Priya Patel (priya.patel@example.com)
We want TikTok creators in the home decor niche with at least 50K followers to promote our new Fireside soy candle.
The campaign is urgent because the launch is next month.
Deliverables:
- One 30-second unboxing video
- Two story mentions with a discount code
- A link in bio for 14 days
Target audience: women 25-34 in the United States.`;

function check(schema: JsonSchema, text: string) {
  const value = extractBySchema(schema, text, { now });
  const validate = ajv.compile(schema);
  const valid = validate(value);
  if (!valid) throw new Error(`invalid: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value, null, 2)}`);
  return value as any;
}

describe('extractBySchema', () => {
  it('fills a strict campaign schema from the text, validating', () => {
    const value = check(
      {
        type: 'object',
        additionalProperties: false,
        required: [
          'brand',
          'budget',
          'deadline',
          'contact_email',
          'is_urgent',
          'min_followers',
          'deliverables',
          'niche',
          'priority',
        ],
        properties: {
          brand: { type: 'string', description: 'Brand running the campaign' },
          budget: { type: 'number', description: 'Campaign budget in USD' },
          deadline: { type: 'string', format: 'date' },
          contact_email: { type: 'string' },
          is_urgent: { type: 'boolean' },
          min_followers: { type: 'integer', minimum: 0 },
          deliverables: { type: 'array', items: { type: 'string' }, minItems: 1 },
          niche: { type: 'string', enum: ['fashion', 'beauty', 'home', 'fitness', 'food'] },
          priority: { type: 'string', enum: ['low', 'medium', 'high'] },
        },
      },
      BRIEF,
    );
    expect(value.brand).toBe('Lumen Home');
    expect(value.budget).toBe(4500);
    expect(value.deadline).toBe('2026-03-14');
    expect(value.contact_email).toBe('priya.patel@example.com');
    expect(value.is_urgent).toBe(true);
    expect(value.min_followers).toBe(50_000);
    expect(value.deliverables).toEqual([
      'One 30-second unboxing video',
      'Two story mentions with a discount code',
      'A link in bio for 14 days',
    ]);
    expect(value.niche).toBe('home');
    expect(value.priority).toBe('high');
  });

  it('handles nested objects, arrays of objects, nullable fields and $refs', () => {
    const text = `Top creators this week:
- @mia.styled has 120K followers and a 6.5% engagement rate
- @leo_lifts has 48K followers and a 9.1% engagement rate
- @zoe.glow has 1.2M followers and a 3.2% engagement rate`;
    const value = check(
      {
        type: 'object',
        required: ['creators', 'summary', 'agency'],
        $defs: {
          creator: {
            type: 'object',
            required: ['handle', 'followers', 'engagement_rate'],
            additionalProperties: false,
            properties: {
              handle: { type: 'string' },
              followers: { type: 'integer' },
              engagement_rate: { type: 'number', description: 'engagement rate in percent' },
            },
          },
        },
        properties: {
          creators: { type: 'array', items: { $ref: '#/$defs/creator' }, maxItems: 5 },
          summary: {
            type: 'object',
            required: ['count_mentioned'],
            properties: { count_mentioned: { type: 'integer' } },
          },
          agency: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'talent agency representing them' },
        },
      },
      text,
    );
    expect(value.creators).toEqual([
      { handle: '@mia.styled', followers: 120_000, engagement_rate: 6.5 },
      { handle: '@leo_lifts', followers: 48_000, engagement_rate: 9.1 },
      { handle: '@zoe.glow', followers: 1_200_000, engagement_rate: 3.2 },
    ]);
    expect(value.agency).toBeNull();
  });

  it('validates against awkward schemas: bounds, lengths, uniqueness, consts', () => {
    const value = check(
      {
        type: 'object',
        required: ['title', 'rating', 'score', 'tags', 'kind', 'reviewed_on', 'sentiment'],
        properties: {
          title: { type: 'string', maxLength: 20 },
          rating: { type: 'integer', minimum: 1, maximum: 5 },
          score: { type: 'number', exclusiveMaximum: 1, minimum: 0 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 4, uniqueItems: true },
          kind: { const: 'review' },
          reviewed_on: { type: 'string', format: 'date-time' },
          sentiment: { type: 'string', enum: ['positive', 'negative', 'neutral'] },
        },
      },
      'I absolutely love this insulated bottle, rating 9 out of 10. It keeps coffee hot all day and looks great. Fast shipping too!',
    );
    expect(value.rating).toBe(5);
    expect(value.sentiment).toBe('positive');
    expect(value.kind).toBe('review');
  });

  it('reads key names out of instructions for json_object mode', () => {
    expect(keysFromInstruction('Return JSON with keys: title, price and tags.')).toEqual(['title', 'price', 'tags']);
    expect(keysFromInstruction('Respond as JSON like {"name": "...", "email": "..."}')).toEqual(['name', 'email']);
  });
});
