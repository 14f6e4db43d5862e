import { InputError } from '../errors.js';

/**
 * One thing a plug-in adds to a family chosen by `kind` (a reward term, a
 * learning-rate schedule, ...): how to read the scenario's fields for it (all
 * but `kind`, and `weight` for reward terms, which the framework applies),
 * and how to build it. `options` throws an Error whose message says in one
 * sentence what is wrong.
 */
export interface KindPlugin<Built, Options = never> {
  options?(fields: Record<string, unknown>): Options;
  create(options: Options): Built;
}

/**
 * Registers `value` under `name` in a family's map of plug-in entries: a
 * built-in's name, or one another plug-in took, is refused in one sentence
 * (`family` and `noun` word it: 'scheduler' and 'name', 'reward term' and 'kind').
 */
export function claimName<T>(registered: Map<string, T>, name: string, value: T, o: { builtin: boolean; family: string; noun: string; where: string }): void {
  if (o.builtin) throw new InputError(`${o.where}: ${o.family} "${name}" is a built-in ${o.noun}; choose another`);
  const existing = registered.get(name);
  if (existing !== undefined && existing !== value) throw new InputError(`${o.where}: ${o.family} "${name}" is already registered by another plug-in; choose another ${o.noun}`);
  registered.set(name, value);
}

/**
 * A family of things a scenario chooses by `kind`: the built-in kinds (built
 * by the family's own code) and those plug-ins registered in this thread.
 */
export class KindRegistry<Built> {
  private readonly registered = new Map<string, KindPlugin<Built, unknown>>();

  /** `family` names it in sentences ("reward term", "learning-rate schedule"). */
  constructor(
    readonly family: string,
    readonly builtinKinds: readonly string[],
  ) {}

  /** Adds `kind` in this thread; `where` names the plug-in in errors. */
  register(kind: string, plugin: KindPlugin<Built, unknown>, where: string): void {
    if (!this.isBuiltin(kind) && (plugin === null || typeof plugin !== 'object' || typeof plugin.create !== 'function')) {
      throw new InputError(`${where}: ${this.family} "${kind}" must be { options?(fields), create(options) }`);
    }
    claimName(this.registered, kind, plugin, { builtin: this.isBuiltin(kind), family: this.family, noun: 'kind', where });
  }

  /** Whether this thread knows the kind (built in, or registered by a loaded plug-in). */
  isKnown(kind: string): boolean {
    return this.builtinKinds.includes(kind) || this.registered.has(kind);
  }

  /** Whether the kind is one the framework builds itself. */
  isBuiltin(kind: string): boolean {
    return this.builtinKinds.includes(kind);
  }

  /**
   * Builds a plug-in's kind from the scenario's fields (`spec`, whose `kind`
   * and any of `omit` the plug-in does not read); `where` names the place in
   * the scenario in errors, and a plug-in's refusal is its own sentence after it.
   */
  buildPlugin(spec: { kind: string } & Record<string, unknown>, where: string, omit: readonly string[] = []): Built {
    const plugin = this.registered.get(spec.kind);
    if (plugin === undefined) {
      throw new InputError(`${where}: ${this.family} "${spec.kind}" is neither built in (${this.builtinKinds.join(', ')}) nor registered by a loaded plug-in (a scenario's "plugins")`);
    }
    const fields = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== 'kind' && !omit.includes(k)));
    let options: unknown = fields;
    try {
      if (plugin.options !== undefined) options = plugin.options(fields);
    } catch (e) {
      throw new InputError(`${where} (${spec.kind}): ${(e as Error).message}`);
    }
    return plugin.create(options);
  }
}
