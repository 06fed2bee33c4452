import { nameKeyOf } from './name-registry';

describe('the key JV names are compared by', () => {
  it.each([
    ['a different case', 'acme'],
    ['full-width letters', '\uff21\uff23\uff2d\uff25'],
    ['a zero-width space inside', 'A\u200bCME'],
    ['a zero-width joiner and a soft hyphen', 'AC\u200dM\u00adE'],
    ['a bidirectional override', '\u202eACME\u202c'],
    ['surrounding and repeated spaces', '  ACME '],
  ])('makes ACME collide with %s', (_, other) => {
    expect(nameKeyOf(other)).toBe(nameKeyOf('ACME'));
  });

  it('folds case as full case folding does (ß and ss, final and medial sigma)', () => {
    expect(nameKeyOf('Straße Werk')).toBe(nameKeyOf('STRASSE WERK'));
    expect(nameKeyOf('ΟΔΟΣ')).toBe(nameKeyOf('οδος'));
    expect(nameKeyOf('Уралвагонзавод')).toBe(nameKeyOf('УРАЛВАГОНЗАВОД'));
  });

  it('folds runs of spaces into one but keeps words apart', () => {
    expect(nameKeyOf('Heavy   Chassis')).toBe(nameKeyOf('heavy chassis'));
    expect(nameKeyOf('Heavy Chassis')).not.toBe(nameKeyOf('HeavyChassis'));
  });

  it('keeps different letters apart, also across scripts that look alike', () => {
    expect(nameKeyOf('ACME')).not.toBe(nameKeyOf('ACNE'));
    // Cyrillic А and С are other letters than Latin A and C; NFKC does not map them.
    expect(nameKeyOf('\u0410\u0421ME')).not.toBe(nameKeyOf('ACME'));
  });
});
