import { batch, established } from './decider.fixtures';
import { EVENT_SCHEMA_VERSIONS, JOINT_VENTURE_EVENT_TYPES } from './events';
import { foldEvents } from './evolve';
import { upcast } from './upcast';

describe('upcast', () => {
  it('reads every event type at its current version as the typed event', () => {
    for (const type of JOINT_VENTURE_EVENT_TYPES) {
      expect(upcast(type, EVENT_SCHEMA_VERSIONS[type], { any: 'payload' })).toEqual({
        type,
        data: { any: 'payload' },
      });
    }
  });

  it('reads back a stored history that folds to the same state', () => {
    const history = [established(), batch(3)];
    const stored = JSON.parse(JSON.stringify(history)) as { type: string; data: unknown }[];
    const read = stored.map((e) => upcast(e.type, 1, e.data));
    expect(foldEvents(read)).toEqual(foldEvents(history));
  });

  it('refuses an unknown event type', () => {
    expect(() => upcast('JointVentureRenamed', 1, {})).toThrow(
      "unknown event type 'JointVentureRenamed'",
    );
  });

  it('refuses a version newer than this code supports', () => {
    expect(() => upcast('BatchProduced', 2, {})).toThrow(
      'BatchProduced@2 is newer than supported version 1',
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses schema version %p', (version) => {
    expect(() => upcast('BatchProduced', version, {})).toThrow('invalid schema version');
  });

  it.each([null, 'text', [1, 2]])('refuses a payload that is not an object: %p', (data) => {
    expect(() => upcast('BatchProduced', 1, data)).toThrow('payload is not an object');
  });
});
