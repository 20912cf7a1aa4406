import { describe, expect, it } from '@jest/globals';
import { toPrefixTsquery } from './search';

describe('toPrefixTsquery', () => {
  it.each([
    ['holiday campaign', 'holiday:* & campaign:*'],
    ['  Holid   CAMP ', 'holid:* & camp:*'],
    ["q4 & (sales | !x) <-> 'y':*", 'q4:* & sales:* & x:* & y:*'],
    ['café 20%', 'café:* & 20:*'],
  ])('turns %j into %j', (input, expected) => {
    expect(toPrefixTsquery(input)).toBe(expected);
  });

  it('returns null when nothing searchable is left', () => {
    expect(toPrefixTsquery('&|!():* ')).toBeNull();
  });
});
