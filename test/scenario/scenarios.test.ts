import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAnyScenario } from '../../src/scenario/load.js';
import { isWorldScenario } from '../../src/scenario/world-scenario-schema.js';

describe('shipped scenarios', () => {
  for (const file of readdirSync('scenarios').filter((f) => f.endsWith('.json'))) {
    it(`${file} validates and is frozen`, () => {
      const s = loadAnyScenario(`scenarios/${file}`);
      expect(s.name).toBe(file.replace(/\.json$/, ''));
      expect(Object.isFrozen(isWorldScenario(s) ? s.world : s.cluster)).toBe(true);
    });
  }
});
