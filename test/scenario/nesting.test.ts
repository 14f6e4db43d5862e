import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { runCli } from '../cli/run-cli.js';
import { inputErrorMessage as inputError } from '../fixtures/input-error.js';

const dir = mkdtempSync(join(tmpdir(), 'mappo-nesting-'));
const TEXT = readFileSync('scenarios/default.json', 'utf8');

/** The default scenario's text with `horizon` replaced by `depth` nested lists around 1. */
function nestedHorizon(depth: number): string {
  const text = TEXT.replace('"horizon": 300', `"horizon": ${'['.repeat(depth)}1${']'.repeat(depth)}`);
  expect(text).not.toBe(TEXT);
  return text;
}

describe('deeply nested scenarios are refused before the schema walks them', () => {
  it('a 12 KB file nested 5,000 deep gets one sentence, not a stack overflow', () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, nestedHorizon(5000));
    expect(readFileSync(file).length).toBeLessThan(13_000);
    expect(inputError(() => loadScenario(file))).toBe(`${file}: horizon[0][0] nests objects and lists more than 64 levels deep, far beyond any scenario field`);
  });

  it('objects nest as lists do, anywhere in the scenario', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const s = JSON.parse(TEXT) as Record<string, Record<string, unknown>>;
    s.learner.extra = deep;
    expect(inputError(() => parseScenario(s, 'x.json', '/'))).toBe('x.json: learner.extra.a nests objects and lists more than 64 levels deep, far beyond any scenario field');
  });

  it('64 levels are read and judged by the schema; 65 are not', () => {
    // The scenario object is level 1, so 63 lists around the horizon make 64.
    expect(inputError(() => parseScenario(JSON.parse(nestedHorizon(63)), 'x.json', '/'))).toMatch(/^x\.json: horizon must be a positive number, got \[\[\[/);
    expect(inputError(() => parseScenario(JSON.parse(nestedHorizon(64)), 'x.json', '/'))).toMatch(/^x\.json: horizon\[0\]\[0\] nests objects and lists more than 64 levels/);
  });

  it('a cyclic object given programmatically ends as too deep rather than hanging', () => {
    const s = JSON.parse(TEXT) as Record<string, Record<string, unknown>>;
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    s.learner.extra = loop;
    expect(inputError(() => parseScenario(s, 'x.json', '/'))).toMatch(/^x\.json: learner\.extra\.self nests objects and lists more than 64 levels deep/);
  });

  it('simulate prints the sentence and exits 1', async () => {
    const file = join(dir, 'deep-cli.json');
    writeFileSync(file, nestedHorizon(5000));
    const { code, stdout, stderr } = await runCli(['simulate', file, '--scheduler', 'lor']);
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: `error: ${file}: horizon[0][0] nests objects and lists more than 64 levels deep, far beyond any scenario field\n` });
  });

  it.each([
    '{\n  "name": "x",\n  "horizon": ,\n  "secret": "hunter2"\n}',
    '{\n  "name": "x",\n  "horizon": 3\n  "secret": "hunter2"\n}',
    '{\n  "name": "x",\n  "secret": "hunter2',
    '{\n  "name": "x",\n  "secret": ',
    'PATH=/bin\nSECRET=hunter2',
  ])('a JSON syntax error is one line that does not quote the file: %j', (text) => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, text);
    const message = inputError(() => loadScenario(file));
    expect(message.startsWith(`scenario file ${file} is not valid JSON`)).toBe(true);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('hunter2');
  });

  it('a JSON syntax error with a position is placed by line and column', () => {
    const file = join(dir, 'placed.json');
    writeFileSync(file, '{\n  "name": "x",\n  "horizon": 3\n  "seed": 1\n}');
    expect(inputError(() => loadScenario(file))).toBe(`scenario file ${file} is not valid JSON (line 4, column 3)`);
  });
});
