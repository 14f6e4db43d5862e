import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('mappo presets', () => {
  it('--json lists every preset at every profiled degree, each following its profile within a 10% median error', async () => {
    const { code, stdout } = await runCli(['presets', '--json']);
    expect(code).toBe(0);
    const { presets } = JSON.parse(stdout) as { presets: { name: string; gpu: string; model: string; tp: number; kvTokens: number; medianAbsError: number; maxAbsError: number }[] };
    expect(presets.map((p) => `${p.name}/${p.tp}`)).toEqual(
      ['a100', 'h100', 'a40'].flatMap((gpu) => [1, 2, 4, 8].map((tp) => `${gpu}-llama-2-7b/${tp}`)),
    );
    for (const p of presets) {
      expect(p.model).toBe('llama-2-7b');
      expect(p.medianAbsError).toBeGreaterThan(0);
      expect(p.medianAbsError).toBeLessThanOrEqual(0.1);
      expect(p.maxAbsError).toBeGreaterThanOrEqual(p.medianAbsError);
    }
    // More GPUs hold more KV cache: the weights are paid once.
    const a100 = presets.filter((p) => p.gpu === 'a100').map((p) => p.kvTokens);
    expect(a100).toEqual([...a100].sort((a, b) => a - b));
  });

  it('prints a table by default', async () => {
    const { code, stdout } = await runCli(['presets']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^preset\s+gpu\s+model\s+tp\s+KV tokens/);
    expect(stdout).toMatch(/h100-llama-2-7b\s+h100\s+llama-2-7b\s+1\s+111,624/);
  });
});
