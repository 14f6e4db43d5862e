import { z } from 'zod';

/**
 * A choice by `kind` (or another `key`, e.g. a replica type's `model`) opened
 * to plug-ins: a built-in kind (or no kind, where
 * the built-in schema has a default) is read by the built-in schema, so a
 * mistake is named by its field; any other kind is read by `plugin` (its kind
 * and the fields the framework applies), the rest left for the plug-in to read
 * when it is built. Whether a plug-in provides the kind is checked with the
 * whole scenario (see plugins-field.ts).
 */
export function openKinds<B extends z.ZodType, P extends z.ZodType>(builtin: B, builtinKinds: readonly string[], plugin: P, key = 'kind') {
  return z.unknown().transform((raw, ctx): z.output<B> | z.output<P> => {
    const kind = (raw as Record<string, unknown> | null)?.[key];
    const schema: z.ZodType = typeof kind === 'string' && !builtinKinds.includes(kind) ? plugin : builtin;
    const result = schema.safeParse(raw, { reportInput: true });
    if (result.success) return result.data as z.output<B> | z.output<P>;
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
}

/** A plug-in's choice: its kind, and whatever fields the plug-in reads itself. */
export const pluginKind = z.looseObject({ kind: z.string({ error: 'a kind' }) });
export type PluginKindSpec = z.infer<typeof pluginKind>;
