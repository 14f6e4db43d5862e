import { InputError } from '../errors.js';
import { fieldPath } from './format-issue.js';
import { MAX_JSON_DEPTH } from './limits.js';
import { RESERVED_LIST } from './reserved-names.js';

/**
 * Refuses what the schema cannot be trusted with: nesting deeper than
 * MAX_JSON_DEPTH (the schema, and the error formatter, recurse and would
 * overflow the stack) and fields named `__proto__` (the schema drops them from
 * records silently, where they would otherwise name a replica type). Walks
 * with its own stack, so it cannot overflow itself, and a cycle in a
 * programmatic scenario ends as "too deep". `under` is where `json` sits in
 * the scenario, for errors about a part of one.
 */
export function checkJsonShape(json: unknown, source: string, under: readonly (string | number)[] = []): void {
  interface Entry {
    value: unknown;
    depth: number;
    parent: Entry | null;
    key: string | number;
  }
  const pathOf = (e: Entry): (string | number)[] => {
    const out: (string | number)[] = [];
    for (let at: Entry | null = e; at !== null && at.parent !== null; at = at.parent) out.push(at.key);
    return [...under, ...out.reverse()];
  };
  const stack: Entry[] = [{ value: json, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const entry = stack.pop() as Entry;
    const value = entry.value;
    if (typeof value !== 'object' || value === null) continue;
    const depth = entry.depth + 1;
    if (depth > MAX_JSON_DEPTH) {
      // The first steps are enough to find the place; the full path would be as long as the nesting.
      const where = fieldPath(pathOf(entry).slice(0, 3));
      throw new InputError(`${source}: ${where} nests objects and lists more than ${MAX_JSON_DEPTH} levels deep, far beyond any scenario field`);
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], depth, parent: entry, key: i });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') {
        throw new InputError(`${source}: ${fieldPath(pathOf(entry))} has a field named __proto__, and ${RESERVED_LIST} are reserved names; rename it`);
      }
      stack.push({ value: (value as Record<string, unknown>)[key], depth, parent: entry, key });
    }
  }
}
