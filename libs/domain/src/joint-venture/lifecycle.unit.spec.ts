import { established, HISTORY } from './decider.fixtures';
import { foldEvents } from './evolve';
import {
  allowedInPhaseActions,
  allowedTransitions,
  COMMAND_ACTIONS,
  TRANSITIONS,
} from './lifecycle';
import { PHASES } from './phases';
import type { ExistingJointVenture } from './state';

const COMMON = [
  'admit-partner',
  'withdraw-partner',
  'reallocate-shares',
  'add-product-line',
  'register-ip-result',
];

const stateIn = (history: Parameters<typeof foldEvents>[0]) =>
  foldEvents(history) as ExistingJointVenture;

describe('lifecycle table', () => {
  it.each([
    ['established', ['start-development', 'start-production', 'dissolve']],
    ['development', ['start-production', 'dissolve']],
    ['production', ['start-modernization', 'start-repair', 'start-disposal', 'dissolve']],
    ['modernization', ['complete-modernization', 'dissolve']],
    ['repair', ['complete-repair', 'dissolve']],
    ['disposal', ['complete-disposal', 'dissolve']],
    ['closed', []],
    ['dissolved', []],
  ] as const)('from %s a fully-purposed JV may %p', (phase, expected) => {
    expect(allowedTransitions(stateIn(HISTORY[phase]))).toEqual(expected);
  });

  it('drops transitions into phases the JV has no purpose for', () => {
    expect(allowedTransitions(stateIn([established(['development'])]))).toEqual([
      'start-development',
      'dissolve',
    ]);
    expect(allowedTransitions(stateIn([established(['production', 'repair'])]))).toEqual([
      'start-production',
      'dissolve',
    ]);
  });

  it.each([
    ['established', COMMON],
    ['development', ['record-milestone', ...COMMON]],
    ['production', ['record-batch', ...COMMON]],
    ['modernization', COMMON],
    ['repair', COMMON],
    ['disposal', ['record-disposal-lot', ...COMMON]],
    ['closed', []],
    ['dissolved', []],
  ] as const)('in %s the in-phase actions allowed are %p', (phase, expected) => {
    expect(allowedInPhaseActions(phase)).toEqual(expected);
  });

  it('gives every phase a row, and only terminal phases an empty one', () => {
    const empty = PHASES.filter((phase) => TRANSITIONS[phase].length === 0);
    expect(empty).toEqual(['closed', 'dissolved']);
  });

  it('names each command by its action', () => {
    expect(COMMAND_ACTIONS).toMatchObject({
      EstablishJointVenture: 'establish',
      StartDevelopment: 'start-development',
      RecordBatch: 'record-batch',
      CompleteModernization: 'complete-modernization',
      RecordDisposalLot: 'record-disposal-lot',
      DissolveJointVenture: 'dissolve',
      RegisterIpResult: 'register-ip-result',
    });
  });
});
