/**
 * Vocabulary the Shopify dev store is generated from. These are word lists, not answers: which products, customers
 * and orders exist, and every number about them, is drawn from the seed in `store.ts`.
 */

export interface ProductTypeSpec {
  type: string;
  code: string;
  vendors: readonly string[];
  /** Base names; a product title is `<adjective> <base>`. */
  bases: readonly string[];
  adjectives: readonly string[];
  /** Median price in cents and its spread. */
  priceCents: readonly [number, number];
  /** Option name and values; each value is one variant (price offset in cents). */
  option: { name: string; values: readonly (readonly [string, number])[] };
  tags: readonly string[];
  /** How many products of this type the store carries. */
  count: number;
}

export const PRODUCT_TYPES: readonly ProductTypeSpec[] = [
  {
    type: 'T-Shirts',
    code: 'TEE',
    vendors: ['Northwind Apparel', 'Harbor Thread Co.'],
    bases: [
      'Crew Tee',
      'Pocket T-Shirt',
      'Graphic Tee',
      'Long Sleeve Shirt',
      'V-Neck Tee',
      'Oversized Tee',
      'Henley Shirt',
    ],
    adjectives: ['Classic', 'Organic Cotton', 'Vintage Wash', 'Everyday', 'Heavyweight', 'Slub', 'Recycled'],
    priceCents: [2800, 0.25],
    option: {
      name: 'Size',
      values: [
        ['S', 0],
        ['M', 0],
        ['L', 0],
        ['XL', 200],
      ],
    },
    tags: ['apparel', 'cotton', 'bestseller'],
    count: 8,
  },
  {
    type: 'Hoodies',
    code: 'HOD',
    vendors: ['Northwind Apparel', 'Peak Gear'],
    bases: ['Pullover Hoodie', 'Zip Hoodie', 'Crewneck Sweatshirt', 'Fleece Jacket', 'Quarter-Zip'],
    adjectives: ['Cozy', 'Midweight', 'Brushed Fleece', 'Trail', 'Heritage', 'Sherpa-Lined'],
    priceCents: [6400, 0.2],
    option: {
      name: 'Size',
      values: [
        ['S', 0],
        ['M', 0],
        ['L', 0],
        ['XL', 400],
      ],
    },
    tags: ['apparel', 'outerwear', 'winter'],
    count: 6,
  },
  {
    type: 'Hats',
    code: 'HAT',
    vendors: ['Peak Gear', 'Harbor Thread Co.'],
    bases: ['Beanie', 'Dad Cap', 'Trucker Hat', 'Bucket Hat', 'Five-Panel Cap'],
    adjectives: ['Ribbed', 'Washed Canvas', 'Merino', 'Corduroy', 'Sport'],
    priceCents: [2600, 0.2],
    option: {
      name: 'Color',
      values: [
        ['Black', 0],
        ['Olive', 0],
        ['Sand', 0],
      ],
    },
    tags: ['accessories', 'headwear'],
    count: 5,
  },
  {
    type: 'Bags',
    code: 'BAG',
    vendors: ['Peak Gear'],
    bases: ['Daypack', 'Tote Bag', 'Sling Bag', 'Weekender Duffel', 'Laptop Sleeve'],
    adjectives: ['Waxed Canvas', 'Commuter', 'Packable', 'Rolltop', 'Minimalist'],
    priceCents: [7900, 0.35],
    option: {
      name: 'Color',
      values: [
        ['Charcoal', 0],
        ['Navy', 0],
      ],
    },
    tags: ['accessories', 'travel'],
    count: 5,
  },
  {
    type: 'Mugs',
    code: 'MUG',
    vendors: ['Lumen Home'],
    bases: ['Ceramic Mug', 'Travel Tumbler', 'Espresso Cup Set', 'Camp Mug', 'Pour-Over Set'],
    adjectives: ['Stoneware', 'Speckled', 'Insulated', 'Enamel', 'Hand-Glazed'],
    priceCents: [2200, 0.3],
    option: {
      name: 'Pack',
      values: [
        ['Single', 0],
        ['Set of 2', 1800],
      ],
    },
    tags: ['home', 'kitchen', 'gift'],
    count: 6,
  },
  {
    type: 'Candles',
    code: 'CDL',
    vendors: ['Lumen Home', 'Cedar & Sage'],
    bases: ['Soy Candle', 'Three-Wick Candle', 'Travel Tin Candle', 'Reed Diffuser'],
    adjectives: ['Cedarwood', 'Sea Salt', 'Fireside', 'Lavender Fields', 'Fig & Amber', 'Winter Pine', 'Citrus Grove'],
    priceCents: [2900, 0.25],
    option: {
      name: 'Size',
      values: [
        ['8 oz', 0],
        ['16 oz', 1400],
      ],
    },
    tags: ['home', 'fragrance', 'gift'],
    count: 7,
  },
  {
    type: 'Skincare',
    code: 'SKN',
    vendors: ['Glow Lab', 'Cedar & Sage'],
    bases: ['Face Serum', 'Daily Moisturizer', 'Lip Balm', 'Hand Cream', 'Cleansing Balm', 'Eye Cream', 'Body Oil'],
    adjectives: ['Vitamin C', 'Hydrating', 'Calming', 'Overnight', 'Botanical', 'Niacinamide'],
    priceCents: [3200, 0.4],
    option: {
      name: 'Size',
      values: [
        ['30 ml', 0],
        ['50 ml', 1200],
      ],
    },
    tags: ['beauty', 'skincare', 'cruelty-free'],
    count: 8,
  },
  {
    type: 'Socks',
    code: 'SCK',
    vendors: ['Harbor Thread Co.'],
    bases: ['Crew Socks', 'Hiking Socks', 'Ankle Socks 3-Pack', 'Wool Socks'],
    adjectives: ['Cushioned', 'Merino', 'Striped', 'Everyday'],
    priceCents: [1600, 0.25],
    option: {
      name: 'Size',
      values: [
        ['S/M', 0],
        ['L/XL', 0],
      ],
    },
    tags: ['apparel', 'basics'],
    count: 5,
  },
  {
    type: 'Drinkware',
    code: 'BTL',
    vendors: ['Peak Gear', 'Lumen Home'],
    bases: ['Water Bottle', 'Insulated Bottle', 'Glass Bottle', 'Growler'],
    adjectives: ['Stainless', 'Summit', 'Leakproof', 'Wide-Mouth'],
    priceCents: [3400, 0.25],
    option: {
      name: 'Capacity',
      values: [
        ['20 oz', 0],
        ['32 oz', 600],
      ],
    },
    tags: ['outdoor', 'hydration'],
    count: 5,
  },
  {
    type: 'Gift Cards',
    code: 'GFT',
    vendors: ['IONFLUX Demo Store'],
    bases: ['Gift Card'],
    adjectives: ['Digital'],
    priceCents: [2500, 0],
    option: {
      name: 'Denomination',
      values: [
        ['$25', 0],
        ['$50', 2500],
        ['$100', 7500],
      ],
    },
    tags: ['gift'],
    count: 1,
  },
];

export const FIRST_NAMES: readonly string[] = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Elijah',
  'Sophia',
  'James',
  'Isabella',
  'Lucas',
  'Mia',
  'Mason',
  'Amelia',
  'Ethan',
  'Harper',
  'Logan',
  'Evelyn',
  'Aiden',
  'Abigail',
  'Jackson',
  'Emily',
  'Sebastian',
  'Ella',
  'Mateo',
  'Chloe',
  'Daniel',
  'Grace',
  'Henry',
  'Zoe',
  'Owen',
  'Nora',
  'Samuel',
  'Lily',
  'Wyatt',
  'Hannah',
  'Leo',
  'Aria',
  'Julian',
  'Layla',
  'David',
  'Priya',
  'Wei',
  'Sofia',
  'Diego',
  'Fatima',
  'Kenji',
  'Amara',
  'Omar',
  'Ines',
  'Mei',
  'Tariq',
  'Camila',
  'Arjun',
  'Yara',
  'Hugo',
  'Lucia',
  'Kofi',
  'Anya',
  'Mateus',
  'Sara',
];

export const LAST_NAMES: readonly string[] = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Patel',
  'Kim',
  'Chen',
  'Okafor',
  'Novak',
  'Silva',
  'Rossi',
  'Dubois',
  'Schmidt',
  'Tanaka',
  'Haddad',
  'Kowalski',
  'Murphy',
  'Cohen',
  'Singh',
];

/** Reserved example domains only (RFC 2606), so no generated address can reach a real mailbox. */
export const EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.net', 'example.org'];

export interface Region {
  country: string;
  countryCode: string;
  province: string;
  provinceCode: string;
  cities: readonly (readonly [string, string])[];
  taxRate: number;
  weight: number;
}

/** Where customers live: city with a plausible postal code, and the sales tax applied to their orders. */
export const REGIONS: readonly Region[] = [
  {
    country: 'United States',
    countryCode: 'US',
    province: 'California',
    provinceCode: 'CA',
    cities: [
      ['Los Angeles', '90012'],
      ['San Francisco', '94103'],
      ['San Diego', '92101'],
      ['Oakland', '94607'],
    ],
    taxRate: 0.0725,
    weight: 14,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'New York',
    provinceCode: 'NY',
    cities: [
      ['New York', '10001'],
      ['Brooklyn', '11201'],
      ['Buffalo', '14202'],
    ],
    taxRate: 0.08875,
    weight: 10,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Texas',
    provinceCode: 'TX',
    cities: [
      ['Austin', '78701'],
      ['Houston', '77002'],
      ['Dallas', '75201'],
    ],
    taxRate: 0.0625,
    weight: 9,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Florida',
    provinceCode: 'FL',
    cities: [
      ['Miami', '33130'],
      ['Orlando', '32801'],
      ['Tampa', '33602'],
    ],
    taxRate: 0.06,
    weight: 7,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Washington',
    provinceCode: 'WA',
    cities: [
      ['Seattle', '98101'],
      ['Spokane', '99201'],
    ],
    taxRate: 0.065,
    weight: 5,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Illinois',
    provinceCode: 'IL',
    cities: [
      ['Chicago', '60601'],
      ['Evanston', '60201'],
    ],
    taxRate: 0.0625,
    weight: 5,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Oregon',
    provinceCode: 'OR',
    cities: [
      ['Portland', '97205'],
      ['Eugene', '97401'],
    ],
    taxRate: 0,
    weight: 3,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Massachusetts',
    provinceCode: 'MA',
    cities: [
      ['Boston', '02108'],
      ['Cambridge', '02139'],
    ],
    taxRate: 0.0625,
    weight: 4,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Colorado',
    provinceCode: 'CO',
    cities: [
      ['Denver', '80202'],
      ['Boulder', '80302'],
    ],
    taxRate: 0.029,
    weight: 4,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Georgia',
    provinceCode: 'GA',
    cities: [
      ['Atlanta', '30303'],
      ['Savannah', '31401'],
    ],
    taxRate: 0.04,
    weight: 4,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Pennsylvania',
    provinceCode: 'PA',
    cities: [
      ['Philadelphia', '19107'],
      ['Pittsburgh', '15222'],
    ],
    taxRate: 0.06,
    weight: 4,
  },
  {
    country: 'United States',
    countryCode: 'US',
    province: 'Minnesota',
    provinceCode: 'MN',
    cities: [
      ['Minneapolis', '55401'],
      ['Saint Paul', '55101'],
    ],
    taxRate: 0.06875,
    weight: 3,
  },
  {
    country: 'Canada',
    countryCode: 'CA',
    province: 'Ontario',
    provinceCode: 'ON',
    cities: [
      ['Toronto', 'M5V 2T6'],
      ['Ottawa', 'K1P 1J1'],
    ],
    taxRate: 0.13,
    weight: 4,
  },
  {
    country: 'Canada',
    countryCode: 'CA',
    province: 'British Columbia',
    provinceCode: 'BC',
    cities: [['Vancouver', 'V6B 1A1']],
    taxRate: 0.12,
    weight: 2,
  },
  {
    country: 'United Kingdom',
    countryCode: 'GB',
    province: 'England',
    provinceCode: 'ENG',
    cities: [
      ['London', 'EC1A 1BB'],
      ['Manchester', 'M1 1AE'],
    ],
    taxRate: 0.2,
    weight: 3,
  },
  {
    country: 'Australia',
    countryCode: 'AU',
    province: 'New South Wales',
    provinceCode: 'NSW',
    cities: [['Sydney', '2000']],
    taxRate: 0.1,
    weight: 2,
  },
];

export const STREET_NAMES: readonly string[] = [
  'Main St',
  'Oak Ave',
  'Maple Dr',
  'Cedar Ln',
  'Pine St',
  'Elm St',
  'Lakeview Rd',
  'Hillcrest Ave',
  'Park Pl',
  'Sunset Blvd',
  'River Rd',
  'Washington St',
  'Highland Ave',
  'Mill St',
  'Church St',
  'Spring St',
];

export interface DiscountSpec {
  code: string;
  /** Fraction off the line items, or a fixed amount in cents, or free shipping. */
  kind: 'percentage' | 'fixed_amount' | 'free_shipping';
  value: number;
}

export const DISCOUNTS: Record<string, DiscountSpec> = {
  WELCOME10: { code: 'WELCOME10', kind: 'percentage', value: 0.1 },
  SAVE15: { code: 'SAVE15', kind: 'percentage', value: 0.15 },
  TAKE5: { code: 'TAKE5', kind: 'fixed_amount', value: 500 },
  FREESHIP: { code: 'FREESHIP', kind: 'free_shipping', value: 0 },
  BFCM25: { code: 'BFCM25', kind: 'percentage', value: 0.25 },
  HOLIDAY20: { code: 'HOLIDAY20', kind: 'percentage', value: 0.2 },
};

export const SHIPPING_RATES = {
  standard: { title: 'Standard Shipping', cents: 695 },
  express: { title: 'Express Shipping', cents: 1495 },
  free: { title: 'Free Shipping', cents: 0 },
  /** Orders at or above this subtotal ship free with standard shipping. */
  freeThresholdCents: 7500,
} as const;
