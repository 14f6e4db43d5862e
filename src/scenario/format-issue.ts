import type { z } from 'zod';

/**
 * Turns the first schema issue into one sentence that names the field, the
 * value found and what was expected, e.g.
 * `cluster.replicas[0].count must be a positive integer, got -1`.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = fieldPath(issue.path);
  const got = 'input' in issue && issue.input !== undefined ? `, got ${show(issue.input)}` : '';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => fieldPath([...issue.path, k]));
      return `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`;
    }
    case 'invalid_union':
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        const options = (issue as unknown as { options?: unknown[] }).options ?? [];
        const input = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
        const found = input === undefined ? 'it is missing' : `got ${show(input)}`;
        return `${field} must be one of ${options.map(show).join(', ')}; ${found}`;
      }
      // A union that states what it accepts says so in its message; zod's default does not.
      if (!issue.message.startsWith('Invalid input')) return `${field} must be ${issue.message}${got}`;
      return `${field} does not match any allowed form${got}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map(show).join(', ')}${got}`;
    case 'invalid_type': {
      // Our field types carry a phrase ("a positive number"); zod's own default starts with "Invalid input".
      const expected = issue.message.startsWith('Invalid input') ? (EXPECTED[issue.expected] ?? issue.expected) : issue.message;
      if (!('input' in issue) || issue.input === undefined) return `${field} is missing: expected ${expected}`;
      return `${field} must be ${expected}${got}`;
    }
    case 'custom':
      // Custom checks write their whole predicate, values included.
      return `${field} ${issue.message}`;
    default:
      return `${field} must be ${issue.message}${got}`;
  }
}

const EXPECTED: Record<string, string> = {
  object: 'an object',
  record: 'an object',
  array: 'a list',
  string: 'a text',
  number: 'a number',
  boolean: 'true or false',
};

/** A field as the scenario spells it: `cluster.replicas[0].count`; the root is `the scenario`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the scenario';
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
