import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';

describe('shipped scenarios', () => {
  for (const file of readdirSync('scenarios').filter((f) => f.endsWith('.json'))) {
    it(`${file} validates and is frozen`, () => {
      const s = loadScenario(`scenarios/${file}`);
      expect(s.name).toBe(file.replace(/\.json$/, ''));
      expect(Object.isFrozen(s.cluster)).toBe(true);
    });
  }
});
