/**
 * Word lists the TikTok dataset is generated from (niches, hashtags, handles, sound titles). Counts, growth, regions
 * and every statistic are drawn from the seed in `dataset.ts`.
 */

export interface NicheSpec {
  id: string;
  label: string;
  /** Creative Center industry the niche's hashtags belong to. */
  industry: { id: number; value: string };
  /** Creator Marketplace topic label. */
  topic: string;
  hashtags: readonly string[];
  keywords: readonly string[];
  handleWords: readonly string[];
  captions: readonly string[];
  /** Month (0-11) → demand multiplier; missing months are 1. */
  seasonality?: Readonly<Record<number, number>>;
}

export const NICHES: readonly NicheSpec[] = [
  {
    id: 'fashion', label: 'Fashion', industry: { id: 22000000000, value: 'Apparel & Accessories' }, topic: 'Fashion',
    hashtags: ['ootd', 'fashiontiktok', 'outfitinspo', 'thriftflip', 'streetwear', 'capsulewardrobe', 'styletips', 'fitcheck', 'winteroutfits', 'quietluxury'],
    keywords: ['outfit', 'style', 'fashion', 'clothes', 'wardrobe', 'thrift', 'apparel', 'streetwear', 'hoodie', 'tee', 'shirt'],
    handleWords: ['styled', 'threads', 'fitcheck', 'wardrobe', 'closet', 'drip', 'looks'],
    captions: ['3 ways to style one hoodie', 'thrifted this whole fit for $20', 'capsule wardrobe for winter', 'fit check before brunch', 'rating my followers outfits'],
    seasonality: { 8: 1.15, 10: 1.1, 11: 1.1 },
  },
  {
    id: 'beauty', label: 'Beauty', industry: { id: 14000000000, value: 'Beauty & Personal Care' }, topic: 'Beauty',
    hashtags: ['skincareroutine', 'grwm', 'makeuptutorial', 'glowup', 'skintok', 'cleanbeauty', 'nightroutine', 'serum', 'lipcombo', 'beautyhacks'],
    keywords: ['skincare', 'makeup', 'beauty', 'serum', 'glow', 'moisturizer', 'routine', 'lip', 'skin'],
    handleWords: ['glow', 'skin', 'beauty', 'blush', 'dewy', 'lashes'],
    captions: ['my 5 step night routine', 'vitamin c serum after 30 days', 'grwm for a first date', 'drugstore dupes that actually work', 'glass skin in 3 products'],
    seasonality: { 10: 1.15, 11: 1.2 },
  },
  {
    id: 'fitness', label: 'Fitness', industry: { id: 25000000000, value: 'Sports & Outdoor' }, topic: 'Sports & Fitness',
    hashtags: ['gymtok', 'fitnessmotivation', 'homeworkout', 'runtok', 'pilates', 'legday', 'fitover30', 'hiking', 'mealprep', 'stepchallenge'],
    keywords: ['gym', 'workout', 'fitness', 'run', 'running', 'hike', 'hiking', 'pilates', 'training', 'outdoor', 'bottle'],
    handleWords: ['lifts', 'fit', 'moves', 'trail', 'strong', 'run'],
    captions: ['20 minute full body at home', 'my marathon training week', 'hiking essentials I never skip', 'leg day that actually burns', 'pilates for beginners'],
    seasonality: { 0: 1.45, 1: 1.2, 4: 1.1, 5: 1.1 },
  },
  {
    id: 'food', label: 'Food', industry: { id: 10000000000, value: 'Food & Beverage' }, topic: 'Food & Beverage',
    hashtags: ['foodtok', 'recipe', 'easyrecipes', 'coffeetok', 'airfryer', 'baking', 'dinnerideas', 'mealprepideas', 'latteart', 'holidaybaking'],
    keywords: ['food', 'recipe', 'cook', 'coffee', 'baking', 'dinner', 'kitchen', 'mug', 'latte', 'espresso'],
    handleWords: ['eats', 'kitchen', 'bakes', 'brew', 'cooks', 'bites'],
    captions: ['15 minute dinner that slaps', 'pour over at home like a barista', 'air fryer salmon bites', 'holiday cookies 3 ways', 'my sunday meal prep'],
    seasonality: { 10: 1.2, 11: 1.35 },
  },
  {
    id: 'tech', label: 'Tech', industry: { id: 28000000000, value: 'Tech & Electronics' }, topic: 'Tech',
    hashtags: ['techtok', 'gadgets', 'desksetup', 'iphonetips', 'aitools', 'techreview', 'productivityhacks', 'smarthome', 'unboxing', 'pcbuild'],
    keywords: ['tech', 'gadget', 'phone', 'desk', 'setup', 'ai', 'laptop', 'smart', 'review', 'unboxing'],
    handleWords: ['tech', 'bytes', 'setup', 'gadget', 'pixel', 'dev'],
    captions: ['desk setup tour 2.0', '5 AI tools I use daily', 'unboxing the new phone', 'smart home on a budget', 'iphone settings to change now'],
    seasonality: { 8: 1.1, 10: 1.25, 11: 1.2 },
  },
  {
    id: 'home', label: 'Home', industry: { id: 18000000000, value: 'Home Improvement' }, topic: 'Home & Garden',
    hashtags: ['homedecor', 'cleantok', 'roomtransformation', 'cozyhome', 'candles', 'apartmenttherapy', 'organization', 'diyhome', 'plantsoftiktok', 'holidaydecor'],
    keywords: ['home', 'decor', 'candle', 'cozy', 'room', 'clean', 'organize', 'diy', 'apartment', 'plants'],
    handleWords: ['home', 'nest', 'cozy', 'decor', 'space', 'casa'],
    captions: ['cozy reading nook on a budget', 'clean with me sunday reset', 'renter friendly room makeover', 'candles that make the house smell like fall', 'organizing the junk drawer'],
    seasonality: { 9: 1.15, 10: 1.2, 11: 1.3 },
  },
  {
    id: 'gaming', label: 'Gaming', industry: { id: 20000000000, value: 'Games' }, topic: 'Gaming',
    hashtags: ['gamingtiktok', 'gamer', 'fyp_gaming', 'gamingsetup', 'speedrun', 'cozygames', 'minecraftbuilds', 'fortniteclips', 'retrogaming', 'esports'],
    keywords: ['gaming', 'game', 'gamer', 'console', 'minecraft', 'esports', 'stream', 'controller'],
    handleWords: ['plays', 'gg', 'pixel', 'quest', 'respawn', 'loot'],
    captions: ['the clutch of the year', 'cozy games for a rainy day', 'gaming setup under $500', 'speedrun world record attempt', 'ranking every console ever'],
    seasonality: { 10: 1.15, 11: 1.25 },
  },
  {
    id: 'travel', label: 'Travel', industry: { id: 26000000000, value: 'Travel' }, topic: 'Travel',
    hashtags: ['traveltok', 'travelhacks', 'packwithme', 'hiddengems', 'roadtrip', 'solotravel', 'carryon', 'weekendgetaway', 'travelguide', 'beachvibes'],
    keywords: ['travel', 'trip', 'pack', 'packing', 'bag', 'vacation', 'flight', 'weekender', 'getaway', 'beach'],
    handleWords: ['wanders', 'travels', 'roams', 'abroad', 'passport', 'nomad'],
    captions: ['pack a week in a carry-on', 'hidden gems in lisbon', 'road trip essentials', 'solo travel safety tips', 'what I spent on 5 days in tokyo'],
    seasonality: { 5: 1.3, 6: 1.35, 7: 1.2, 11: 1.1 },
  },
  {
    id: 'gifts', label: 'Holiday gift ideas', industry: { id: 13000000000, value: 'E-Commerce (Non-app)' }, topic: 'Lifestyle',
    hashtags: ['giftideas', 'christmasgifts', 'giftsforher', 'giftsforhim', 'stockingstuffers', 'blackfriday', 'cybermonday', 'tiktokmademebuyit', 'holidayshopping', 'secretsanta'],
    keywords: ['gift', 'gifts', 'christmas', 'holiday', 'present', 'black friday', 'cyber monday', 'stocking', 'secret santa', 'deal', 'sale'],
    handleWords: ['finds', 'deals', 'gifted', 'haul', 'picks', 'wishlist'],
    captions: ['gift ideas for people who have everything', 'stocking stuffers under $25', 'black friday deals worth it', 'gifts for him that are not socks', 'my holiday shopping haul'],
    seasonality: { 9: 1.4, 10: 3.2, 11: 4.2, 0: 0.5 },
  },
  {
    id: 'pets', label: 'Pets', industry: { id: 24000000000, value: 'Pets' }, topic: 'Pets',
    hashtags: ['dogsoftiktok', 'catsoftiktok', 'petcare', 'puppytraining', 'dogmom', 'rescuedog', 'petproducts', 'catmom', 'doghacks', 'petfood'],
    keywords: ['dog', 'cat', 'pet', 'puppy', 'kitten', 'rescue', 'vet'],
    handleWords: ['paws', 'pup', 'whiskers', 'furry', 'doggo', 'meow'],
    captions: ['puppy learns sit in 3 days', 'my cat reviews new toys', 'rescue dog first week home', 'dog hacks every owner needs', 'pet products that are worth it'],
  },
];

export const REGIONS = ['US', 'GB', 'CA', 'AU', 'DE', 'FR', 'BR', 'MX', 'ID', 'PH', 'JP'] as const;
export type RegionCode = (typeof REGIONS)[number];
export const REGION_NAMES: Record<RegionCode, string> = {
  US: 'United States', GB: 'United Kingdom', CA: 'Canada', AU: 'Australia', DE: 'Germany', FR: 'France', BR: 'Brazil', MX: 'Mexico', ID: 'Indonesia', PH: 'Philippines', JP: 'Japan',
};
/** Relative audience size of each region (a hashtag's views split by these, perturbed per hashtag). */
export const REGION_WEIGHTS: Record<RegionCode, number> = { US: 30, GB: 9, CA: 5, AU: 4, DE: 6, FR: 6, BR: 10, MX: 7, ID: 12, PH: 6, JP: 5 };

export const FIRST_NAMES = ['mia', 'leo', 'ava', 'noah', 'zoe', 'kai', 'ella', 'omar', 'luna', 'theo', 'ivy', 'max', 'nina', 'eli', 'sara', 'jay', 'rosa', 'finn', 'maya', 'ben', 'lily', 'dev', 'ana', 'sam', 'tess', 'ryo', 'bea', 'gus', 'isla', 'tom'];
export const DISPLAY_SURNAMES = ['Rivera', 'Chen', 'Okafor', 'Silva', 'Nguyen', 'Patel', 'Kim', 'Rossi', 'Müller', 'Dubois', 'Santos', 'Tanaka', 'Hughes', 'Garcia', 'Novak', 'Haddad', 'Lopez', 'Walsh', 'Sato', 'Costa'];

export const SOUND_TITLES = [
  'Golden Hour Loop', 'Midnight Drive', 'Soft Launch', 'Cozy Season', 'Main Character Energy', 'Slow Morning', 'City Lights Remix',
  'Sleigh Ride Lo-Fi', 'Last Christmas (Sped Up)', 'Jingle Beat', 'Run It Back', 'Gym Anthem', 'Kitchen Groove', 'Coffee Shop Jazz',
  'Pixel Dreams', 'Level Up', 'Boss Fight', 'Passport Stamp', 'Island Breeze', 'Road Trip Singalong', 'Puppy Love', 'Zoomies',
  'Glow Up', 'Mirror Talk', 'Get Ready With Me', 'Thrift Haul Beat', 'Runway Walk', 'Unboxing Hype', 'Desk Setup Chill', 'Sunday Reset',
  'Candlelight', 'Clean With Me', 'Snowfall Piano', 'Black Friday Rush', 'Wishlist', 'Cart Full', 'Workout Countdown', 'Stretch It Out',
  'Recipe Time', 'Bake Off', 'Speedrun Theme', 'Cozy Gamer', 'Wanderlust', 'Carry-On Only', 'Good Boy', 'Cat Nap',
];
export const SOUND_ARTISTS = ['Lumen Beats', 'Nova Vale', 'The Quiet Hours', 'DJ Parcel', 'Mara Sol', 'Kite & Key', 'Echo Park Kids', 'Juniper', 'Cassette Club', 'Northbound'];
