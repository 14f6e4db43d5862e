import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, unknown> };

describe('the native TensorFlow backends (--backend tensorflow)', () => {
  // They download libtensorflow from Google's storage when they install, which many machines cannot reach:
  // declared as optional peers, npm tooling shows the GPU route without `npm ci` ever fetching them.
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    it(`declares ${name} as an optional peer dependency, matching the tfjs version, never installed by npm ci`, () => {
      expect(pkg.peerDependencies?.[name]).toBe(pkg.dependencies['@tensorflow/tfjs']);
      expect(pkg.peerDependenciesMeta?.[name]?.optional).toBe(true);
      expect(pkg.dependencies[name]).toBeUndefined();
      expect(Object.keys(lock.packages)).not.toContain(`node_modules/${name}`);
    });
  }
});
