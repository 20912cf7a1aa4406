import { describe, expect, it } from '@jest/globals';
import { parseTokenPrices, priceOfModel } from './budget';

describe('prices of the LLM credential', () => {
  it('reads IONFLUX_TOKEN_PRICES form and leaves out entries that do not parse', () => {
    expect(parseTokenPrices(' gpt-4o-mini=0.15/0.6 ,gpt-4o = 2.5 / 10,broken,x=1,y=a/b')).toEqual({
      'gpt-4o-mini': { prompt: 0.15, completion: 0.6 },
      'gpt-4o': { prompt: 2.5, completion: 10 },
    });
    expect(parseTokenPrices('')).toEqual({});
  });

  it('a dated model takes the price of the longest entry it extends, never of a mere prefix', () => {
    const prices = parseTokenPrices('gpt-4o=2.5/10,gpt-4o-mini=0.15/0.6');
    expect(priceOfModel(prices, 'gpt-4o-mini-2024-07-18')).toEqual({ prompt: 0.15, completion: 0.6 });
    expect(priceOfModel(prices, 'gpt-4o-2024-08-06')).toEqual({ prompt: 2.5, completion: 10 });
    expect(priceOfModel(prices, 'gpt-4o')).toEqual({ prompt: 2.5, completion: 10 });
    expect(priceOfModel(prices, 'gpt-4oo')).toBeUndefined();
    expect(priceOfModel(prices, 'toString')).toBeUndefined();
  });
});
