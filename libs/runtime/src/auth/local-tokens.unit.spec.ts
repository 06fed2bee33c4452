import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidTokenError } from './identity';
import { loadSigningKey, signingKeyFile, SigningKeyMissingError } from './local-signing-key';
import { LocalTokens } from './local-tokens';

const settings = {
  issuer: 'jv-ledger',
  audience: 'jv-ledger-api',
  policy: {
    memberStates: ['BY', 'RU'],
    commissionMemberState: 'CSTO',
    maxLifetimeSeconds: 12 * 3600,
    clockSkewSeconds: 30,
  },
};
const ALICE = { subject: 'alice', role: 'program-manager', memberState: 'RU' } as const;

describe('the local signing key', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'jv-key-')), 'data');
  });
  afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('is created by the service on first start, readable by its owner only', () => {
    const key = loadSigningKey({ dataDir }, { create: true });
    expect(key.source).toBe(signingKeyFile(dataDir));
    expect(statSync(key.source).mode & 0o777).toBe(0o600);
    expect(loadSigningKey({ dataDir }, { create: true }).key).toEqual(key.key);
  });

  it('is never created by anyone else: a missing key names its path and the variables', () => {
    expect(() => loadSigningKey({ dataDir }, { create: false })).toThrow(SigningKeyMissingError);
    expect(() => loadSigningKey({ dataDir }, { create: false })).toThrow(
      new RegExp(`no signing key at ${signingKeyFile(dataDir)}.*DATA_DIR.*JWT_SECRET`),
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('comes from JWT_SECRET when it is set, and says so', () => {
    const key = loadSigningKey({ dataDir, secret: 'x'.repeat(32) }, { create: false });
    expect(key.source).toBe('JWT_SECRET');
    expect(existsSync(dataDir)).toBe(false);
  });

  it("signs tokens that the service's own key verifies", async () => {
    const service = new LocalTokens(loadSigningKey({ dataDir }, { create: true }), settings);
    const command = new LocalTokens(loadSigningKey({ dataDir }, { create: false }), settings);
    const identity = await service.verify(await command.issue(ALICE));
    expect(identity).toMatchObject({ actor: ALICE, commission: false, issuer: 'jv-ledger' });
  });
});

describe('local tokens', () => {
  const tokens = new LocalTokens({ key: new Uint8Array(32).fill(7), source: 'test' }, settings);
  const other = new LocalTokens({ key: new Uint8Array(32).fill(8), source: 'other' }, settings);

  it('are refused when signed with another key', async () => {
    await expect(tokens.verify(await other.issue(ALICE))).rejects.toThrow(InvalidTokenError);
  });

  it('are not issued beyond the maximum lifetime, nor for a state that is not a member', async () => {
    await expect(tokens.issue(ALICE, '13h')).rejects.toThrow(/lives longer than the allowed/);
    await expect(tokens.issue({ ...ALICE, memberState: 'DE' })).rejects.toThrow(/'DE' is neither/);
  });

  it("carry the commission's scope for its auditors", async () => {
    const auditor = { subject: 'olga', role: 'auditor', memberState: 'CSTO' } as const;
    expect(await tokens.verify(await tokens.issue(auditor))).toMatchObject({ commission: true });
  });
});
