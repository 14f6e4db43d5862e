import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerScheduler } from '../env/routing/registry.js';
import { registerRewardTerm } from '../reward/registry.js';
import { InputError } from '../errors.js';
import type { Plugin } from './plugin.js';

/** What a plug-in may add (see Plugin). */
const PLUGIN_FAMILIES = ['schedulers', 'rewardTerms'];

/** Plug-in modules this thread has loaded, by absolute path. */
const loaded = new Set<string>();

/**
 * Registers what a plug-in adds, in this thread. `where` names it in errors.
 * Worker threads do not see a plug-in registered from code: list its module
 * in the scenario's `plugins` for a run on several threads.
 */
export function registerPlugin(plugin: Plugin, where = 'registerPlugin'): void {
  if (plugin === null || typeof plugin !== 'object') throw new InputError(`${where} is no plug-in: its default export must be definePlugin({ schedulers: { ... }, rewardTerms: { ... } })`);
  const unknown = Object.keys(plugin).filter((k) => !PLUGIN_FAMILIES.includes(k));
  if (unknown.length > 0) throw new InputError(`${where}: a plug-in adds ${PLUGIN_FAMILIES.join(' and ')}, not ${unknown.map((k) => `"${k}"`).join(', ')}`);
  for (const [name, factory] of Object.entries(plugin.schedulers ?? {})) registerScheduler(name, factory, where);
  for (const [kind, term] of Object.entries(plugin.rewardTerms ?? {})) registerRewardTerm(kind, term, where);
}

/**
 * Imports each plug-in module once per thread and registers what it adds.
 * A module that is missing, fails to load or exports no plug-in is an
 * InputError naming it. Paths are absolute (the scenario loader resolves them).
 */
export async function loadPlugins(paths: readonly string[] | undefined): Promise<void> {
  for (const path of paths ?? []) {
    if (loaded.has(path)) continue;
    if (!isAbsolute(path)) throw new Error(`loadPlugins: plug-in path ${path} is not absolute (the scenario loader resolves it)`);
    if (!existsSync(path)) throw new InputError(`plug-in module ${path} does not exist`);
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      throw new InputError(`plug-in module ${path} failed to load: ${(e as Error).message.split('\n')[0]}`);
    }
    registerPlugin((exports.default ?? exports.plugin) as Plugin, `plug-in module ${path}`);
    loaded.add(path);
  }
}
