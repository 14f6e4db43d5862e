/**
 * The largest sizes a scenario and its files may ask for. Each bound sits well
 * above any realistic experiment and well below what would exhaust the
 * process: without them, a typo (1e5 replicas, rate 1e9, a trace at /dev/zero)
 * fills gigabytes of memory before anything reports a problem.
 */

/**
 * Tokens in one request's prompt or output. Ten million is at or above the
 * longest context windows models advertise, and it keeps counts far inside the 32-bit
 * integers traces are stored in, so a count is held exactly or refused, never
 * wrapped; totals over millions of requests stay exact in doubles too.
 */
export const MAX_TOKENS = 10_000_000;

/**
 * Replicas in a cluster, the autoscaling pool included. Learned schedulers
 * observe every replica and choose among them, so observation and action
 * sizes grow with this count; 1,024 simulates in seconds and a few hundred
 * MB, where 100,000 filled 8 GB within a minute.
 */
export const MAX_REPLICAS = 1024;

/** Front-ends: each draws its own request stream and, when learned, is an agent with its own rollout rows. */
export const MAX_FRONTENDS = 256;

/**
 * Requests one simulation may expect (rate x front-ends x horizon x the
 * largest curriculum load scale, or maxRequests when that is smaller). A
 * request that waits holds about 300 bytes, so two million stay under 1 GB
 * even when none completes (an overloaded cluster), and take about 15 s.
 */
export const MAX_REQUESTS = 2_000_000;

/**
 * KV blocks per replica and tokens per block. Blocks are counted, not
 * allocated, so these bound meaning rather than memory: 2^24 blocks of up to
 * 1,024 tokens is orders of magnitude beyond any accelerator's KV cache, and
 * block arithmetic stays exact.
 */
export const MAX_KV_BLOCKS = 1 << 24;
export const MAX_BLOCK_SIZE = 1024;

/** Requests in one batch: serving engines run a few hundred (vLLM's default is 256), so this is far above any. */
export const MAX_BATCH_SIZE = 65_536;

/** Tokens in one iteration's budget (maxBatchTokens, chunkSize, token budgets): a whole maximal prompt fits. */
export const MAX_BATCH_TOKENS = MAX_TOKENS;

/** Choices in a replica agent's token-budget list (its action count). */
export const MAX_TOKEN_BUDGETS = 64;

/**
 * Environment steps one update collects (rollout.copies x rollout.rounds);
 * the rollout buffer keeps every agent's observation for each, so this bounds
 * its memory. The shipped scenarios use 4,096.
 */
export const MAX_ROLLOUT_STEPS = 1 << 20;

/** Environment copies stepped in parallel: each is a whole simulation in memory. */
export const MAX_ROLLOUT_COPIES = 1024;

/** Entries in the scenario's lists that are read on every event (reward terms, KL controllers, curriculum stages). */
export const MAX_LIST_ENTRIES = 64;

/** Characters in the scenario's name, which becomes a folder name (runs/<name>). */
export const MAX_NAME_LENGTH = 100;

/**
 * Nesting of objects and lists in a scenario file. The deepest field a
 * scenario has is about six levels down; anything deeper is a mistake, and
 * thousands of levels overflow the stack of whatever walks it.
 */
export const MAX_JSON_DEPTH = 64;

/** Bytes in a scenario file: scenarios are written by hand and run to a few KB. */
export const MAX_SCENARIO_BYTES = 1 << 20;

/**
 * Bytes in a trace CSV. The whole file is held in memory while it is parsed;
 * at about 37 bytes an Azure row, 128 MiB holds some 3.5 million requests,
 * more than one simulation may replay (MAX_REQUESTS: reading those 2 million
 * takes about 5 s and 500 MB). The bundled Azure trace is 0.7 MB.
 */
export const MAX_TRACE_BYTES = 128 * (1 << 20);

/*
 * Network sizes. Actors and critics here are small MLPs run on the CPU at every
 * decision (default [64, 64]); the limits sit far above that and far below
 * what exhausts memory before training starts. A layer of width w holds about
 * w² float32 weights, and training keeps four copies of each (weights,
 * gradients, Adam's two moments) plus one per rollout thread: [100000, 100000]
 * asked for 40 GB for one layer and died allocating it ("Invalid typed array
 * length") instead of saying what was wrong. At the limits, the torso past
 * its input layer holds 7 x 2048² = 29 million weights (117 MB).
 */
/** Units in one hidden layer. */
export const MAX_HIDDEN_WIDTH = 2048;
/** Hidden layers in the MLP torso: every layer past a few adds time per decision and little else for these tasks. */
export const MAX_HIDDEN_LAYERS = 8;
/** Units of the GRU layer, whose three gates each hold (input + units) x units weights. */
export const MAX_GRU_UNITS = 1024;
