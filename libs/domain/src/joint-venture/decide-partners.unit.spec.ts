import {
  command,
  establishData,
  established,
  fact,
  given,
  HISTORY,
  KZ_PARTNER,
  PARTNERS,
} from './decider.fixtures';
import { InvalidCommandError, InvariantViolationError } from './errors';
import type { Partner } from './values';

const share = (enterpriseCode: string, shareBasisPoints: number) => ({
  enterpriseCode,
  shareBasisPoints,
});
const fields = (error: InvalidCommandError | InvariantViolationError) =>
  error.violations.map((v) => v.field);

describe('establishment rules', () => {
  const establishWith = (partners: Partner[]) =>
    command('EstablishJointVenture', { ...establishData(), partners });
  const ru = PARTNERS[0];
  const by = PARTNERS[1];

  it.each([
    ['shares adding up to less than 100 %', [ru, { ...by, shareBasisPoints: 3999 }], 'partners'],
    [
      'a zero share',
      [ru, { ...by, shareBasisPoints: 0 }, { ...KZ_PARTNER, shareBasisPoints: 4000 }],
      'partners[1].shareBasisPoints',
    ],
    [
      'a fractional share',
      [
        { ...ru, shareBasisPoints: 5999.5 },
        { ...by, shareBasisPoints: 4000.5 },
      ],
      'partners[0].shareBasisPoints',
    ],
    [
      'the same enterprise twice',
      [ru, { ...ru, shareBasisPoints: 4000 }],
      'partners[1].enterpriseCode',
    ],
    ['a single partner', [{ ...ru, shareBasisPoints: 10000 }], 'partners'],
    ['partners from one member state', [ru, { ...by, memberState: 'RU' }], 'partners'],
    [
      'a member state that is not an alpha-2 code',
      [ru, { ...by, memberState: 'Belarus' }],
      'partners[1].memberState',
    ],
  ])('refuses %s', (_case, partners, field) => {
    const error = given().when(establishWith(partners)).thenThrows(InvalidCommandError);
    expect(fields(error)).toContain(field);
  });

  it('explains a single member state', () => {
    const error = given()
      .when(establishWith([ru, { ...by, memberState: 'RU' }]))
      .thenThrows(InvalidCommandError);
    expect(error.violations).toEqual([
      {
        field: 'partners',
        message: 'partners must come from at least two member states, all would be from RU',
      },
    ]);
  });

  it('collects every violation of the command, not only the first', () => {
    const error = given()
      .when(
        command('EstablishJointVenture', {
          name: ' ',
          decision: { reference: 'IMEC-21/4', date: 'yesterday' },
          purposes: ['production', 'production'],
          partners: [{ ...ru, shareBasisPoints: -1 }],
          productLines: [
            { productCode: 'X', name: 'one' },
            { productCode: 'X', name: 'two' },
          ],
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual([
      'name',
      'decision.date',
      'purposes[1]',
      'partners[0].shareBasisPoints',
      'partners',
      'partners',
      'productLines[1].productCode',
    ]);
  });

  it('refuses no purposes and unknown purposes', () => {
    const noPurpose = given()
      .when(command('EstablishJointVenture', { ...establishData(), purposes: [] }))
      .thenThrows(InvalidCommandError);
    expect(fields(noPurpose)).toEqual(['purposes']);
    const unknown = given()
      .when(command('EstablishJointVenture', { ...establishData(['assembly' as never]) }))
      .thenThrows(InvalidCommandError);
    expect(fields(unknown)).toEqual(['purposes[0]']);
  });

  it('accepts a JV without product lines yet: lines can be added later', () => {
    const data = { ...establishData(['development']), productLines: [] };
    given()
      .when(command('EstablishJointVenture', data))
      .then([fact('JointVentureEstablished', data, '2021-05-20')]);
  });
});

describe('admitting a partner', () => {
  const allocation = [share('RU-UVZ', 5000), share('BY-MZKT', 3000), share('KZ-SEMEY', 2000)];

  it('records the partner with the new allocation, in any non-terminal stage', () => {
    for (const history of [HISTORY.established, HISTORY.production, HISTORY.disposal]) {
      const { state } = given(...history)
        .when(command('AdmitPartner', { partner: KZ_PARTNER, allocation }))
        .then([fact('PartnerAdmitted', { partner: KZ_PARTNER, allocation })]);
      expect(state.status === 'existing' && state.partners.map((p) => p.shareBasisPoints)).toEqual([
        5000, 3000, 2000,
      ]);
    }
  });

  it('refuses an enterprise that is already a partner', () => {
    const partner = { ...KZ_PARTNER, enterpriseCode: 'BY-MZKT' };
    const error = given(established())
      .when(
        command('AdmitPartner', {
          partner,
          allocation: [share('RU-UVZ', 6000), share('BY-MZKT', 4000)],
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['partner.enterpriseCode']);
  });

  it('refuses an allocation that leaves out the new partner', () => {
    const error = given(established())
      .when(
        command('AdmitPartner', {
          partner: KZ_PARTNER,
          allocation: [share('RU-UVZ', 6000), share('BY-MZKT', 4000)],
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(error.violations).toEqual([{ field: 'allocation', message: 'must name KZ-SEMEY' }]);
  });

  it('refuses an allocation naming a stranger and not adding up', () => {
    const error = given(established())
      .when(
        command('AdmitPartner', {
          partner: KZ_PARTNER,
          allocation: [...allocation.slice(0, 2), share('AM-X', 2000), share('KZ-SEMEY', 1000)],
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(error.violations).toEqual([
      { field: 'allocation[2].enterpriseCode', message: 'is not a partner after this change' },
      { field: 'allocation', message: 'shares must add up to 10000 basis points, not 11000' },
    ]);
  });
});

describe('withdrawing a partner', () => {
  const withThreePartners = [
    established(),
    fact('PartnerAdmitted', {
      partner: KZ_PARTNER,
      allocation: [share('RU-UVZ', 5000), share('BY-MZKT', 3000), share('KZ-SEMEY', 2000)],
    }),
  ];

  it('records the withdrawal and the remaining partners take all shares', () => {
    const allocation = [share('RU-UVZ', 6000), share('BY-MZKT', 4000)];
    const { state } = given(...withThreePartners)
      .when(command('WithdrawPartner', { enterpriseCode: 'KZ-SEMEY', allocation }))
      .then([fact('PartnerWithdrawn', { enterpriseCode: 'KZ-SEMEY', allocation })]);
    expect(state.status === 'existing' && state.partners).toEqual(PARTNERS);
  });

  it('refuses an enterprise that is not a partner', () => {
    const error = given(...withThreePartners)
      .when(command('WithdrawPartner', { enterpriseCode: 'AM-X', allocation: [] }))
      .thenThrows(InvalidCommandError);
    expect(fields(error)[0]).toBe('enterpriseCode');
  });

  it('refuses an allocation that still names the withdrawn partner', () => {
    const error = given(...withThreePartners)
      .when(
        command('WithdrawPartner', {
          enterpriseCode: 'KZ-SEMEY',
          allocation: [share('RU-UVZ', 5000), share('BY-MZKT', 3000), share('KZ-SEMEY', 2000)],
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['allocation[2].enterpriseCode']);
  });

  it('refuses to leave a single partner', () => {
    given(established())
      .when(
        command('WithdrawPartner', {
          enterpriseCode: 'BY-MZKT',
          allocation: [share('RU-UVZ', 10000)],
        }),
      )
      .thenThrows(InvariantViolationError, {
        violations: [
          {
            field: 'enterpriseCode',
            message: 'a joint venture needs at least two partners, it would have 1',
          },
        ],
      });
  });

  it('refuses to leave partners from a single member state', () => {
    const secondRussian = { enterpriseCode: 'RU-KMZ', name: 'Kurganmashzavod', memberState: 'RU' };
    given(
      established(),
      fact('PartnerAdmitted', {
        partner: secondRussian,
        allocation: [share('RU-UVZ', 5000), share('BY-MZKT', 3000), share('RU-KMZ', 2000)],
      }),
    )
      .when(
        command('WithdrawPartner', {
          enterpriseCode: 'BY-MZKT',
          allocation: [share('RU-UVZ', 7000), share('RU-KMZ', 3000)],
        }),
      )
      .thenThrows(InvariantViolationError, { violations: [{ field: 'enterpriseCode' }] });
  });
});

describe('reallocating shares', () => {
  it('records the new allocation', () => {
    const allocation = [share('RU-UVZ', 5000), share('BY-MZKT', 5000)];
    given(...HISTORY.production)
      .when(command('ReallocateShares', { allocation }))
      .then([fact('SharesReallocated', { allocation })]);
  });

  it('refuses a zero share, a missing partner and a wrong total at once', () => {
    const error = given(...HISTORY.production)
      .when(command('ReallocateShares', { allocation: [share('RU-UVZ', 0)] }))
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['allocation[0].shareBasisPoints', 'allocation', 'allocation']);
  });

  it('refuses an enterprise named twice', () => {
    const error = given(...HISTORY.production)
      .when(
        command('ReallocateShares', {
          allocation: [share('RU-UVZ', 5000), share('BY-MZKT', 2500), share('BY-MZKT', 2500)],
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(error.violations).toEqual([
      { field: 'allocation[2].enterpriseCode', message: 'BY-MZKT appears more than once' },
    ]);
  });
});

describe('effective dates of partner and share changes', () => {
  const allocation = [share('RU-UVZ', 5000), share('BY-MZKT', 5000)];

  it('records a reallocation that took effect earlier', () => {
    given(...HISTORY.production)
      .when(command('ReallocateShares', { allocation, effectiveOn: '2024-12-31' }))
      .then([fact('SharesReallocated', { allocation }, '2024-12-31')]);
  });

  it('names the effective date among every other violation', () => {
    const error = given(...HISTORY.production)
      .when(
        command('ReallocateShares', {
          allocation: [share('RU-UVZ', 5000)],
          effectiveOn: '1900-01-01',
        }),
      )
      .thenThrows(InvalidCommandError);
    expect(fields(error)).toEqual(['effectiveOn', 'allocation', 'allocation']);
  });
});
