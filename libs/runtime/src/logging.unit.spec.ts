import { PassThrough } from 'node:stream';
import pino from 'pino';
import { loadConfig } from './app-config';
import {
  pinoOptions,
  prettyLogStream,
  prettyMessage,
  startupSummary,
  usesPrettyLogs,
} from './logging';

/** A pino logger with the apps' options, writing JSON lines into an array. */
function jsonLogger(env: NodeJS.ProcessEnv = {}) {
  const lines: Record<string, unknown>[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) =>
    chunk
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .forEach((line) => lines.push(JSON.parse(line) as Record<string, unknown>)),
  );
  return { logger: pino(pinoOptions(loadConfig(env)), sink), lines };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('log format', () => {
  it('is human-readable in a terminal and JSON lines elsewhere, unless LOG_FORMAT says', () => {
    expect(usesPrettyLogs(loadConfig({}), true)).toBe(true);
    expect(usesPrettyLogs(loadConfig({}), false)).toBe(false);
    expect(usesPrettyLogs(loadConfig({ LOG_FORMAT: 'json' }), true)).toBe(false);
    expect(usesPrettyLogs(loadConfig({ LOG_FORMAT: 'pretty' }), false)).toBe(true);
  });

  it('refuses an unknown LOG_FORMAT at start-up', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT="xml"/);
  });
});

describe('log records', () => {
  it("moves Nest's wiring lines to debug and leaves other info lines alone", async () => {
    const quiet = jsonLogger();
    quiet.logger.info({ context: 'InstanceLoader' }, 'CqrsModule dependencies initialized');
    quiet.logger.info({ context: 'RouterExplorer' }, 'Mapped {/joint-ventures, POST} route');
    quiet.logger.info({ context: 'Projections' }, 'running JointVentureSummaries');
    await flushed();
    expect(quiet.lines.map((line) => line.msg)).toEqual(['running JointVentureSummaries']);

    const verbose = jsonLogger({ LOG_LEVEL: 'debug' });
    verbose.logger.info({ context: 'InstanceLoader' }, 'CqrsModule dependencies initialized');
    await flushed();
    expect(verbose.lines).toEqual([
      expect.objectContaining({ level: 20, msg: 'CqrsModule dependencies initialized' }),
    ]);
  });

  it('never writes the bearer token of a request', async () => {
    const { logger, lines } = jsonLogger();
    logger.info({ req: { headers: { authorization: 'Bearer secret.jwt' } } }, 'request completed');
    await flushed();
    expect(JSON.stringify(lines)).not.toContain('secret.jwt');
  });

  it('prints a request as one line in a terminal: method, URL, status and time', () => {
    const record = {
      msg: 'request completed',
      req: { method: 'POST', url: '/joint-ventures', headers: {} },
      res: { statusCode: 201 },
      responseTime: 12,
    };
    expect(prettyMessage(record, 'msg')).toBe(
      'request completed: POST /joint-ventures -> 201 in 12 ms',
    );
    expect(prettyMessage({ msg: 'running', context: 'Projections' }, 'msg')).toBe(
      '[Projections] running',
    );
  });

  it('prints the start-up summary in a terminal as one block with aligned labels', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const logger = pino(pinoOptions(loadConfig({})), prettyLogStream(out, false));
    logger.info(
      { startup: { URL: 'http://localhost:3000', 'API docs': 'http://localhost:3000/docs' } },
      'API ready',
    );
    await flushed();
    expect(text).toMatch(
      /INFO: API ready\n {4}URL {7}http:\/\/localhost:3000\n {4}API docs {2}http:\/\/localhost:3000\/docs\n$/,
    );
  });
});

describe('start-up summary', () => {
  it('says where the API answers, where its data is and what runs in it', () => {
    const config = loadConfig({ PORT: '0', DATA_DIR: '/srv/ledger' });
    const { message, fields } = startupSummary(config, { kind: 'api', port: 41234 });
    expect(message).toBe('API ready on http://localhost:41234');
    expect(fields).toEqual({
      URL: 'http://localhost:41234',
      'API docs': 'http://localhost:41234/docs',
      topology: 'sqlite',
      'data folder': '/srv/ledger',
      events: 'sqlite: /srv/ledger/ledger.db',
      'read models and state': '/srv/ledger/ledger.db',
      projections: 'in this process',
      Kafka: 'OFF (set KAFKA_BROKERS to turn them on)',
      tokens:
        'DATA_DIR=/srv/ledger npm run -s token -- --role program-manager --member-state AM --subject alice',
    });
  });

  it('says which combination runs, with the PostgreSQL password masked', () => {
    const config = loadConfig({
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: 'kurrentdb://node1:2113',
      DATABASE_URL: 'postgres://ledger:s3cret@db:5432/jv',
    });
    const { fields } = startupSummary(config, { kind: 'projector' });
    expect(fields.topology).toBe('kurrentdb+postgres');
    expect(fields['read models and state']).toBe('PostgreSQL at postgres://ledger:***@db:5432/jv');
    expect(JSON.stringify(fields)).not.toContain('s3cret');
  });

  it('names the projector app when the projections run there, and Kafka when it is on', () => {
    const api = startupSummary(
      loadConfig({ EMBEDDED_PROJECTOR: 'false', HOST: '127.0.0.1', KAFKA_BROKERS: 'k1:9092' }),
      { kind: 'api', port: 3000 },
    );
    expect(api.fields.URL).toBe('http://127.0.0.1:3000');
    expect(api.fields.projections).toBe('in the projector app (EMBEDDED_PROJECTOR=false)');
    expect(api.fields.Kafka).toBe('published by the projector app, if it has KAFKA_BROKERS');

    const projector = startupSummary(loadConfig({ KAFKA_BROKERS: 'k1:9092' }), {
      kind: 'projector',
    });
    expect(projector.message).toBe('projector running');
    expect(projector.fields.Kafka).toBe(
      'ON: topic jv.lifecycle.v1, checkpoints on jv.checkpoints.v1, on k1:9092',
    );
    const perState = startupSummary(
      loadConfig({ KAFKA_BROKERS: 'k1:9092', KAFKA_TOPIC_PER_STATE: 'on', MEMBER_STATES: 'BY,RU' }),
      { kind: 'projector' },
    );
    expect(perState.fields.Kafka).toBe(
      'ON: topics jv.lifecycle.v1.<state> (BY, RU, CSTO), checkpoints on jv.checkpoints.v1, on k1:9092',
    );
  });
});
