import { ConfigError, loadConfig } from './app-config';

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
