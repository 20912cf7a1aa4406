import { describe, expect, it } from '@jest/globals';
import { hashPassword, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('verifies the right password only, with the parameters stored in the hash', async () => {
    const stored = await hashPassword({ password: 'correct horse battery', cost: 10 });
    expect(stored).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword({ password: 'correct horse battery', stored })).toBe(true);
    expect(await verifyPassword({ password: 'correct horse batterY', stored })).toBe(false);
  });

  it('salts every hash', async () => {
    const a = await hashPassword({ password: 'same', cost: 10 });
    const b = await hashPassword({ password: 'same', cost: 10 });
    expect(a).not.toBe(b);
  });

  it('treats malformed stored hashes as a mismatch rather than throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$x$8$1$a$b', 'bcrypt$10$8$1$a$b', 'scrypt$99$8$1$a$b']) {
      expect(await verifyPassword({ password: 'x', stored })).toBe(false);
    }
  });
});
