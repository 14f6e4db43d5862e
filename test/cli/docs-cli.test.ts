import { readFileSync } from 'node:fs';
import { Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { DEBUG_VARIABLE } from '../../src/cli/failure-report.js';
import { addRunFlags } from '../../src/cli/flags.js';
import { buildProgram } from '../../src/cli/main.js';

// docs/cli.md is the command line's reference. These checks tie it to the program, so a command or
// flag added, renamed or removed without the reference changing fails here rather than going stale.

const DOC_PATH = 'docs/cli.md';
const doc = readFileSync(DOC_PATH, 'utf8');
const program = buildProgram({ stdout: () => {}, stderr: () => {}, interactive: false });

/** The `## ` sections of the document by heading, each with its `### ` subsections. */
const sections = new Map(
  doc
    .split(/^## /m)
    .slice(1)
    .map((chunk) => {
      const newline = chunk.indexOf('\n');
      return [chunk.slice(0, newline).trim(), chunk.slice(newline + 1)] as const;
    }),
);

/** A flag table's rows: the flag as written (its first cell, a code span starting with "-") and the row's other cells. */
function flagRows(section: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\|\s*`(-[^`]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (m !== null) rows.set(m[1], m[2].split('|').map((cell) => cell.trim()));
  }
  return rows;
}

/** A command's usage as its section shows it: `mappo <name> <arg> [arg]`. */
function usage(command: Command): string {
  const args = command.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
  return ['mappo', command.name(), ...args].join(' ');
}

/** Checks one flag table against the options it documents; returns what disagrees, one line each. */
function tableProblems(rows: Map<string, string[]>, options: readonly Option[]): string[] {
  const problems: string[] = [];
  for (const o of options) {
    const row = rows.get(o.flags);
    if (row === undefined) continue; // reported by the set comparison
    const [defaultCell = '', ...rest] = row;
    if (o.defaultValue !== undefined && !defaultCell.includes(`\`${String(o.defaultValue)}\``)) {
      problems.push(`${o.flags}: the default cell "${defaultCell}" does not show \`${String(o.defaultValue)}\``);
    }
    if (o.mandatory && !defaultCell.includes('required')) problems.push(`${o.flags}: the default cell "${defaultCell}" does not say required`);
    for (const choice of o.argChoices ?? []) {
      if (!rest.join('|').includes(`\`${choice}\``)) problems.push(`${o.flags}: the choice \`${choice}\` is not named`);
    }
  }
  return problems;
}

describe(DOC_PATH, () => {
  it('has a section for every command and none for a command that does not exist', () => {
    const documented = [...sections.keys()].filter((h) => h.startsWith('mappo ')).map((h) => h.slice('mappo '.length));
    expect(documented.sort()).toEqual(program.commands.map((c) => c.name()).sort());
  });

  for (const command of program.commands) {
    describe(`mappo ${command.name()}`, () => {
      const section = sections.get(`mappo ${command.name()}`) ?? '';

      it('shows its usage with its arguments', () => {
        expect(section).toContain(usage(command));
      });

      it("lists exactly the command's flags, each as its --help writes it", () => {
        expect([...flagRows(section).keys()].sort()).toEqual(command.options.map((o) => o.flags).sort());
      });

      it('gives each flag its default, says which are required, and names every allowed value', () => {
        expect(tableProblems(flagRows(section), command.options)).toEqual([]);
      });
    });
  }

  it('lists exactly the shared run flags in their own section', () => {
    const shared = addRunFlags(new Command('any')).options;
    const rows = flagRows(sections.get('Shared run flags') ?? '');
    expect([...rows.keys()].sort()).toEqual(shared.map((o) => o.flags).sort());
    expect(tableProblems(rows, shared)).toEqual([]);
  });

  it("names the program's own options", () => {
    for (const o of program.options) expect(doc).toContain(`\`${o.flags}\``);
  });

  it('names no flag the program does not define', () => {
    const help = program.createHelp();
    const known = new Set([program, ...program.commands].flatMap((c) => [...c.options, ...help.visibleOptions(c)]).map((o) => o.long));
    const named = new Set(doc.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? []);
    expect([...named].filter((flag) => !known.has(flag))).toEqual([]);
  });

  it('names no command the program does not define', () => {
    const commands = new Set([...program.commands.map((c) => c.name()), 'help']);
    // In code only (spans and blocks), so prose may say "the mappo command" freely.
    const code = [...(doc.match(/```[\s\S]*?```/g) ?? []), ...(doc.replace(/```[\s\S]*?```/g, '').match(/`[^`\n]+`/g) ?? [])].join('\n');
    const named = [...code.matchAll(/(?<![\w-])mappo ([a-z][a-z-]*)/g)].map((m) => m[1]);
    expect(named.filter((name) => !commands.has(name))).toEqual([]);
  });

  it('documents the environment variables the program reads', () => {
    expect(doc).toContain(`\`${DEBUG_VARIABLE}\``);
  });
});
