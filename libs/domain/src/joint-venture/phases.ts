/** Phases of a joint venture's life. `closed` and `dissolved` are terminal. */
export const PHASES = [
  'established',
  'development',
  'production',
  'modernization',
  'repair',
  'disposal',
  'closed',
  'dissolved',
] as const;
export type Phase = (typeof PHASES)[number];

export const TERMINAL_PHASES: readonly Phase[] = ['closed', 'dissolved'];

export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}
