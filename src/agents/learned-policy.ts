/** The name a trained policy goes by in reports, comparisons and recorded rollouts (beside the heuristics' names). */
export const LEARNED_POLICY = 'mappo';
