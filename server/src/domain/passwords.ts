import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard). The stored form carries its parameters so the cost can be raised later
 * without breaking existing hashes: `scrypt$<log2N>$<r>$<p>$<salt b64>$<hash b64>`.
 *
 * @example const stored = await hashPassword({ password: 'correct horse', cost: 15 });
 *          await verifyPassword({ password: 'correct horse', stored }); // true
 */
const KEY_LENGTH = 32;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

function scryptAsync(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs 128 * N * r bytes; give it headroom instead of the 32 MiB default ceiling.
  const maxmem = 256 * N * r;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(args: { password: string; cost: number }): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(args.password, salt, args.cost, BLOCK_SIZE, PARALLELISM);
  return ['scrypt', args.cost, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(args: { password: string; stored: string }): Promise<boolean> {
  const parts = args.stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![log2N, r, p].every(Number.isInteger) || log2N < 1 || log2N > 24) return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  const actual = await scryptAsync(args.password, Buffer.from(parts[4]!, 'base64'), log2N, r, p);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A hash of a random password, so a login for an unknown email costs the same time as a real one. */
export async function makeDecoyHash(cost: number): Promise<string> {
  return hashPassword({ password: randomBytes(16).toString('hex'), cost });
}
