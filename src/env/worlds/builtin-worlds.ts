import { z } from 'zod';
import { describeIssue } from '../../scenario/format-issue.js';
import { fraction, positiveInt } from '../../scenario/fields.js';
import { CartPole } from '../games/cart-pole.js';
import { ContextualBandit } from '../games/contextual-bandit.js';
import { CoordinationGame } from '../games/coordination-game.js';
import { SimpleSpread } from '../games/simple-spread.js';
import { defineWorld, type World } from './world.js';

/** A world whose options a zod schema reads, its message phrased like the scenario's own fields. */
function withSchema<S extends z.ZodType>(schema: S, create: (o: z.infer<S>) => ReturnType<World['create']>): World<z.infer<S>> {
  return defineWorld({
    options: (raw) => {
      const result = schema.safeParse(raw ?? {}, { reportInput: true });
      // Named from the scenario's root, as the scenario's own fields are (`world.options.maxSteps must be ...`).
      if (!result.success) throw new Error(describeIssue({ ...result.error.issues[0], path: ['world', 'options', ...result.error.issues[0].path] }));
      return result.data;
    },
    create,
  });
}

/** The worlds that ship with the framework, by the name a scenario gives (`"world": "cart-pole"`). */
export const BUILTIN_WORLDS: Readonly<Record<string, World<never>>> = {
  /** Gymnasium's CartPole-v1: one agent; truncated after `maxSteps`. */
  'cart-pole': withSchema(z.strictObject({ maxSteps: positiveInt.default(500) }), (o) => new CartPole(o.maxSteps)),
  /** PettingZoo's MPE simple_spread_v3: agents cover landmarks without colliding. */
  'simple-spread': withSchema(
    z.strictObject({ agents: positiveInt.default(3), landmarks: positiveInt.optional(), maxCycles: positiveInt.default(25), localRatio: fraction.default(0.5) }),
    (o) => new SimpleSpread(o.agents, o.landmarks ?? o.agents, o.maxCycles, o.localRatio),
  ),
  /** N agents earn 1 together only when their K-way picks all differ. */
  'coordination-game': withSchema(
    z.strictObject({ agents: positiveInt.default(2), actions: positiveInt.default(2), steps: positiveInt.default(8) }),
    (o) => new CoordinationGame(o.agents, o.actions, o.steps),
  ),
  /** Single-agent PPO's smallest test: one right arm per context. */
  'contextual-bandit': withSchema(
    z.strictObject({ contexts: positiveInt.default(4), steps: positiveInt.default(16) }),
    (o) => new ContextualBandit(o.contexts, o.steps),
  ),
} as unknown as Record<string, World<never>>;
