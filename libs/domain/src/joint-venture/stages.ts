/**
 * Stages of a joint venture's life. `closed` and `dissolved` are terminal. Modernization and
 * repair are not stages: they are work orders that run inside production (see `work-orders`).
 */
export const STAGES = [
  'established',
  'development',
  'production',
  'disposal',
  'closed',
  'dissolved',
] as const;
export type Stage = (typeof STAGES)[number];

export const TERMINAL_STAGES: readonly Stage[] = ['closed', 'dissolved'];

export function isTerminal(stage: Stage): boolean {
  return TERMINAL_STAGES.includes(stage);
}
