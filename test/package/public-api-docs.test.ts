import { spawnSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

describe("the library's public API (src/index.ts)", () => {
  it('documents every export where it is declared', () => {
    const program = ts.createProgram(['src/index.ts'], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const index = program.getSourceFile('src/index.ts');
    if (index === undefined) throw new Error('src/index.ts did not load');
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(index) as ts.Symbol);
    const undocumented = exports
      .filter((symbol) => {
        const declared = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return declared.getDocumentationComment(checker).length === 0;
      })
      .map((symbol) => symbol.name);
    expect(exports.length).toBeGreaterThan(30);
    expect(undocumented).toEqual([]);
  });
});

describe('the generated API reference (npm run docs:api)', () => {
  it('builds from src/index.ts with no warning: every type an export refers to is exported or named as internal in typedoc.json', () => {
    const out = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--emit', 'none'], { encoding: 'utf8' });
    expect(out.stdout + out.stderr).not.toMatch(/warning|error/i);
    expect(out.status).toBe(0);
  }, 120_000);
});
