/**
 * mappo-cluster as a library: what the `mappo` command line is built on.
 *
 * - Run a scenario: {@link loadScenario} (the cluster) or {@link loadAnyScenario}
 *   (any world), then {@link simulate} (heuristics),
 *   {@link train} (MAPPO, writing a run directory), {@link evaluate} (a trained
 *   run) or {@link compare} (every heuristic and a trained policy, side by
 *   side). Each returns the document the command prints with `--json`
 *   (docs/cli.md); {@link applyOverrides} and {@link parseSet} change a
 *   scenario as the command-line flags do.
 * - The multi-agent environment contract ({@link MultiAgentEnv}: PettingZoo's
 *   parallel API, on an event-driven clock) and {@link LockstepEnv}, the base
 *   of every world whose agents all act at every step; the LLM-serving
 *   cluster ({@link ClusterEnv}, {@link ServingSimulation}) and the built-in
 *   games implement it.
 * - Worlds of your own: a scenario names its world (`"world": "cart-pole"`, or
 *   `"world": { "module": "./my-world.js", "options": {...} }`); a world
 *   module's default export is {@link defineWorld}`({ create })`, and
 *   {@link registerWorld} names one from code. Training, checkpoints,
 *   validation, recording, `eval` and `ablate` work on any world.
 * - Plug-ins: {@link definePlugin} adds heuristic schedulers, reward terms,
 *   learner policies and replica models a scenario names like the built-ins (`"plugins": ["./my-rules.js"]`, loaded by every
 *   thread; or {@link registerPlugin} from code, in this thread).
 * - Real hardware: a scenario's replica type may be a preset
 *   (`{ "preset": "h100-llama-2-7b", "tp": 2 }`), calibrated from GPU operator
 *   profiles; {@link presetRows} lists them with their fit to the profile
 *   (docs/hardware.md).
 * - Rollout files: {@link RolloutWriter}, {@link readRollout} and
 *   {@link RolloutStream} (msgpack; the format is in docs/cli.md).
 *
 * Errors a user can mend (a bad scenario, a missing file) are
 * {@link InputError}s whose message is one sentence saying what was wrong.
 */

export { compare, type ComparisonOptions } from './api/compare.js';
export { evaluate, type ClusterEvaluationResult, type EvaluateOptions, type EvaluationResult, type WorldEvaluationResult } from './api/evaluate.js';
export { simulate, type SimulateOptions } from './api/simulate.js';
export { train, type TrainOptions } from './api/train.js';
export type { TrainResult } from './training/training-run.js';
export type { EpisodeOutcome } from './evaluation/run-episodes.js';
export type { MetricsRecord } from './training/metrics-file.js';
export type { Comparison, LearnedVsBest, PolicyKind, PolicySummary } from './evaluation/compare-policies.js';
export type { MeanCi } from './evaluation/confidence-interval.js';
export type { BackendName } from './agents/backend.js';

export { loadAnyScenario, loadScenario, requireCluster } from './scenario/load.js';
export type { Scenario } from './scenario/scenario-schema.js';
export { isWorldScenario, type AnyScenario, type WorldScenario } from './scenario/world-scenario-schema.js';
export { applyOverrides, parseSet, type RunOverrides, type SetFlag } from './scenario/overrides.js';
export type { PathStep } from './scenario/scenario-paths.js';
export type { SchedulerPolicyName } from './scenario/agents-schema.js';

export type { AgentInfo, Decision, DecisionCredit, FinalOutcome, MultiAgentEnv, StepOutcome } from './env/multi-agent/contract.js';
export { LockstepEnv } from './env/games/lockstep-env.js';
export { defineWorld, type MetricDirection, type World } from './env/worlds/world.js';
export { registerWorld, worldNames, type WorldSource } from './env/worlds/world-registry.js';
export { definePlugin, type LearnerPolicyPlugins, type Plugin } from './plugins/plugin.js';
export type { KindPlugin } from './plugins/kind-registry.js';
export type { Stateful } from './learners/stateful.js';
export type { RewardScaler } from './learners/policies/reward-scaling.js';
export type { AdvantageNormalizer } from './learners/policies/advantage-normalization.js';
export type { ValueNormalizer } from './learners/policies/value-normalization.js';
export type { KlController } from './learners/policies/kl-control.js';
export type { LrSchedule } from './learners/policies/learning-rate.js';
export type { EntropySchedule } from './learners/policies/entropy.js';
export type { TrajectoryTable } from './rollout/trajectory-table.js';
export { loadPlugins, registerPlugin } from './plugins/plugin-loader.js';
export type { Router, RouterContext } from './env/routing/router.js';
export type { ReplicaLoad, WorkItem } from './env/cluster/replica-load.js';
export type { WorkPricing } from './env/cluster/work-pricing.js';
export type { Request } from './env/cluster/request.js';
export type { WorkloadMeans } from './env/workload/workload-means.js';
export type { RewardTermPlugin } from './reward/registry.js';
export { TEAM, type Beneficiary, type RewardContext, type RewardTerm } from './reward/reward-term.js';
export { EventKind, type SimEvent } from './env/core/sim-event.js';
export type { Replica } from './env/cluster/replica.js';
export type { ReplicaHost, ReplicaModelPlugin } from './env/cluster/replica-models.js';
export type { ReplicaStats } from './env/cluster/replica-stats.js';
export type { Rng, RngState } from './env/rng.js';
export type { Capacity } from './env/cluster/capacity.js';
export { ClusterEnv } from './env/cluster-env.js';
export { presetRows, type PresetRow } from './env/hardware/preset-rows.js';
export { REPLICA_PRESETS, type ReplicaPreset } from './env/hardware/replica-presets.js';
export type { GpuDatasheet, ModelShape } from './env/hardware/hardware-constants.js';
export { ServingSimulation } from './env/serving-simulation.js';
export type { ReplicaReport, SimulationReport } from './env/metrics/report.js';
export type { LatencySummary } from './env/metrics/quantile-sketch.js';
export type { RewardSummary } from './reward/reward-stats.js';
export type { SimulationOptions } from './env/serving-simulation.js';
export type { EnvSpec } from './env/env-spec.js';
export { HEURISTIC_NAMES, heuristicNames, type BuiltinHeuristicName, type HeuristicName } from './env/routing/registry.js';
export { CartPole } from './env/games/cart-pole.js';
export { CoordinationGame } from './env/games/coordination-game.js';
export { ContextualBandit } from './env/games/contextual-bandit.js';
export { SimpleSpread } from './env/games/simple-spread.js';

export { RolloutWriter, type OpenOptions } from './recording/rollout-writer.js';
export { readRollout, type RolloutFile, type RecordedRun } from './recording/rollout-reader.js';
export { RolloutStream, type RolloutStreamOptions, type StreamedRecord } from './recording/rollout-stream.js';
export type { CreditRecord, DecisionRecord, EpisodeEndRecord, EpisodeStartRecord, RolloutHeader, RolloutRecord, RolloutSource } from './recording/rollout-records.js';

export { InputError } from './errors.js';
