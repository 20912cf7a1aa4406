import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ensureStudioBuilt } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { studioDist, viteBuildEnv } = require('../../scripts/build-studio.js') as {
  studioDist: string;
  viteBuildEnv: (env: Record<string, string | undefined>) => Record<string, string | undefined>;
};

describe('the studio build', () => {
  it('is built for production whatever NODE_ENV its caller has (jest sets test)', () => {
    expect(viteBuildEnv({ NODE_ENV: 'test', PATH: '/usr/bin' })).toEqual({ NODE_ENV: 'production', PATH: '/usr/bin' });
    expect(viteBuildEnv({}).NODE_ENV).toBe('production');
  });

  it("that the server serves is React's production build", () => {
    ensureStudioBuilt();
    const assets = fs.readdirSync(path.join(studioDist, 'assets'));
    expect(assets.filter((file) => file.startsWith('jsx-runtime-'))).toHaveLength(1);
    // React's development JSX runtime only comes with a development build (NODE_ENV other than production).
    expect(assets.filter((file) => file.startsWith('jsx-dev-runtime-'))).toEqual([]);
  });
});
