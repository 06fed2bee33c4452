import { DEFAULT_APPROVAL_RULES } from '@app/domain';
import { AppConfig, ConfigError, loadConfig } from './app-config';

const configError = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe('event store configuration', () => {
  it('keeps events in SQLite by default, with no KurrentDB URL needed', () => {
    const config = loadConfig({});
    expect(config.EVENT_STORE).toBe('sqlite');
    expect(config.eventStoreSummary).toBe(`events in ${config.databaseFile}`);
  });

  it('takes a KurrentDB cluster with TLS and credentials, masking them in the summary', () => {
    const url = 'kurrentdb://ledger:s3cret@node1:2113,node2:2113,node3:2113?tls=true';
    const config = loadConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: url });
    expect(config.KURRENTDB_URL).toBe(url);
    expect(config.eventStoreSummary).toBe(
      'events in KurrentDB at kurrentdb://***@node1:2113,node2:2113,node3:2113?tls=true',
    );
  });

  it('requires KURRENTDB_URL when EVENT_STORE=kurrentdb', () => {
    expect(configError({ EVENT_STORE: 'kurrentdb' })).toMatch(
      /KURRENTDB_URL=undefined: .*must be a string/,
    );
  });

  it('refuses what the client cannot parse, without printing the password', () => {
    const message = configError({
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: 'https://ledger:s3cret@node1:2113',
    });
    expect(message).toMatch(
      /KURRENTDB_URL="https:\/\/\*\*\*@node1:2113": must be a KurrentDB connection string/,
    );
    expect(message).not.toContain('s3cret');
  });

  it('keeps everything but the events in PostgreSQL with DATABASE_URL, masking the password', () => {
    const kurrent = { EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://node1:2113' };
    const config = loadConfig({ ...kurrent, DATABASE_URL: 'postgres://ledger:s3cret@db:5432/jv' });
    expect(config.topology).toBe('kurrentdb+postgres');
    expect(config.databaseSummary).toBe('PostgreSQL at postgres://ledger:***@db:5432/jv');
    expect(loadConfig(kurrent).topology).toBe('kurrentdb+sqlite');
    expect(loadConfig({}).topology).toBe('sqlite');
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, without printing the password', () => {
    const message = configError({
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: 'kurrentdb://node1:2113',
      DATABASE_URL: 'mysql://ledger:s3cret@db/jv',
    });
    expect(message).toMatch(
      /DATABASE_URL="mysql:\/\/ledger:\*\*\*@db\/jv": must be a PostgreSQL URL/,
    );
    expect(message).not.toContain('s3cret');
  });

  it('refuses PostgreSQL beside the embedded SQLite log', () => {
    expect(configError({ DATABASE_URL: 'postgres://db/jv' })).toMatch(
      /DATABASE_URL=.*needs EVENT_STORE=kurrentdb/,
    );
  });

  it('refuses an unknown event store', () => {
    expect(configError({ EVENT_STORE: 'postgres' })).toMatch(/EVENT_STORE="postgres"/);
  });
});

describe('secrets in configuration errors', () => {
  it('names a refused JWT_SECRET without printing it', () => {
    const message = configError({ JWT_SECRET: 'short-but-secret' });
    expect(message).toMatch(/JWT_SECRET="<16 characters, not shown>": /);
    expect(message).not.toContain('short-but-secret');
  });

  it('names a refused SASL password without printing it', () => {
    const message = configError({
      KAFKA_BROKERS: 'kafka:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ledger',
      KAFKA_SASL_PASSWORD: '',
    });
    expect(message).toMatch(/KAFKA_SASL_PASSWORD="<0 characters, not shown>": /);
  });
});

describe('identity configuration', () => {
  const ru = {
    issuer: 'https://idp.ru.example/realms/jv',
    jwksUrl: 'https://idp.ru.example/realms/jv/certs',
    audience: 'jv-ledger-api',
    memberStates: ['RU'],
  };
  const oidc = (issuers: unknown) => ({
    AUTH_MODE: 'oidc',
    AUTH_ISSUERS: typeof issuers === 'string' ? issuers : JSON.stringify(issuers),
  });

  it('keeps local HS256 tokens by default, the commission scope being CSTO', () => {
    const config = loadConfig({});
    expect(config.AUTH_MODE).toBe('local');
    expect(config.AUTH_ISSUERS).toBeUndefined();
    expect(config.COMMISSION_MEMBER_STATE).toBe('CSTO');
    expect(Object.keys(config).sort()).toEqual(Object.keys(new AppConfig()).sort());
  });

  it('takes several issuers at once, one per national part', () => {
    const by = {
      ...ru,
      issuer: 'https://idp.by.example',
      jwksUrl: 'https://idp.by.example/jwks',
      memberStates: ['BY'],
    };
    const config = loadConfig(oidc([ru, by]));
    expect(config.AUTH_ISSUERS?.map((issuer) => issuer.issuer)).toEqual([ru.issuer, by.issuer]);
    expect(config.AUTH_ISSUERS?.[1].memberStates).toEqual(['BY']);
  });

  it('requires AUTH_ISSUERS with AUTH_MODE=oidc and says when it is not JSON', () => {
    expect(configError({ AUTH_MODE: 'oidc' })).toMatch(
      /AUTH_ISSUERS=undefined: must be a JSON array of at least one issuer/,
    );
    expect(configError(oidc('[{"issuer":'))).toMatch(
      /AUTH_ISSUERS="\[\{\\"issuer\\":": must be a JSON array of issuers: not JSON/,
    );
    expect(configError(oidc({ issuer: 'x' }))).toMatch(
      /must be a JSON array of issuers: not a JSON array/,
    );
  });

  it('names every bad value inside an issuer, one line each', () => {
    const message = configError(
      oidc([
        ru,
        {
          issuer: 'https://idp.kz.example',
          jwksUrl: 'http://idp.kz.example/jwks',
          audience: '',
          algorithms: ['HS256'],
          colour: 1,
        },
      ]),
    );
    expect(message).toMatch(
      /AUTH_ISSUERS\[1\]\.jwksUrl="http:\/\/idp\.kz\.example\/jwks": jwksUrl must be an https URL/,
    );
    expect(message).toMatch(/AUTH_ISSUERS\[1\]\.audience="": audience must be a non-empty string/);
    expect(message).toMatch(
      /AUTH_ISSUERS\[1\]\.algorithms=\["HS256"\]: each algorithm must be RS256, ES256 or EdDSA/,
    );
    expect(message).toMatch(/AUTH_ISSUERS\[1\]\.colour=1: property colour should not exist/);
    expect(message).not.toMatch(/AUTH_ISSUERS\[0\]/);
  });

  it('allows plain http only to this machine', () => {
    const local = { ...ru, jwksUrl: 'http://127.0.0.1:8080/jwks' };
    expect(loadConfig(oidc([local])).AUTH_ISSUERS?.[0].jwksUrl).toBe(local.jwksUrl);
  });

  it('refuses an issuer named twice, or vouching for a state that is not a member', () => {
    expect(configError(oidc([ru, ru]))).toMatch(/AUTH_ISSUERS=.*: names the same issuer twice/);
    expect(configError(oidc([{ ...ru, memberStates: ['DE'] }]))).toMatch(
      /memberStates DE are neither MEMBER_STATES nor COMMISSION_MEMBER_STATE/,
    );
    expect(loadConfig(oidc([{ ...ru, memberStates: ['CSTO'] }])).AUTH_ISSUERS).toHaveLength(1);
  });

  it('keeps the commission scope apart from the member states', () => {
    expect(configError({ COMMISSION_MEMBER_STATE: 'RU' })).toMatch(
      /COMMISSION_MEMBER_STATE="RU": must not be one of MEMBER_STATES/,
    );
  });
});

describe('approvals configuration', () => {
  it('keeps approvals off by default, with the issue’s rule table and a 30-day time to live', () => {
    const config = loadConfig({});
    expect(config.approvalSettings).toEqual({ rules: undefined, ttlMs: 30 * 86_400_000 });
    expect(loadConfig({ APPROVALS: 'on' }).approvalSettings.rules).toEqual(DEFAULT_APPROVAL_RULES);
  });

  it('takes the rule table and the time to live from the environment', () => {
    const config = loadConfig({
      APPROVALS: 'on',
      APPROVAL_RULES: 'DissolveJointVenture:every-partner',
      PROPOSAL_TTL: '12h',
    });
    expect(config.approvalSettings).toEqual({
      rules: { DissolveJointVenture: 'every-partner' },
      ttlMs: 12 * 3_600_000,
    });
  });

  it('names the entry of APPROVAL_RULES it cannot read, and a bad PROPOSAL_TTL', () => {
    expect(configError({ APPROVAL_RULES: 'DissolveJointVenture:everyone' })).toMatch(
      /APPROVAL_RULES=.*the rule must be one of/,
    );
    expect(configError({ APPROVAL_RULES: 'RecordBatch:every-partner' })).toMatch(
      /APPROVAL_RULES=.*'RecordBatch:every-partner'/,
    );
    expect(configError({ PROPOSAL_TTL: '30 days' })).toMatch(
      /PROPOSAL_TTL="30 days": must be a duration/,
    );
    expect(configError({ APPROVALS: 'yes' })).toMatch(/APPROVALS="yes"/);
  });
});
