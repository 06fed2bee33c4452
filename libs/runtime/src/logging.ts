import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import { resolve } from 'node:path';
import { levels, type LoggerOptions } from 'pino';
import pretty, { type PrettyStream } from 'pino-pretty';
import { AppConfig } from './app-config';
import { notificationsSummary } from './consumers.module';

/**
 * Nest's own start-up chatter (one line per module wired and per route mapped): useful when
 * debugging the wiring, noise otherwise, so it is logged at debug instead of info.
 */
const NEST_WIRING_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

const INFO = levels.values.info;

/** Fields that the pretty format folds into the message line (or leaves to the JSON format). */
const FOLDED_IN_PRETTY = 'pid,hostname,context,req,res,responseTime,startup';

type LogRecord = Record<string, unknown>;

/** Pretty when asked, or by default when a person watches (stdout is a terminal); JSON otherwise. */
export function usesPrettyLogs(
  config: AppConfig,
  stdoutIsTerminal = process.stdout.isTTY === true,
): boolean {
  return config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && stdoutIsTerminal);
}

/** The pino options both apps log with (level, redaction, Nest's wiring lines at debug). */
export function pinoOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    redact: ['req.headers.authorization'],
    hooks: {
      logMethod(args, method, level) {
        const first: unknown = args[0];
        const context = typeof first === 'object' && first !== null && 'context' in first;
        if (level === INFO && context && NEST_WIRING_CONTEXTS.has(String(first.context))) {
          this.debug(...(args as Parameters<typeof this.debug>));
          return;
        }
        method.apply(this, args);
      },
    },
  };
}

/** One line per record in a terminal: time, level, `[context] message`, then what matters. */
export function prettyMessage(record: LogRecord, messageKey: string): string {
  const context = typeof record.context === 'string' ? `[${record.context}] ` : '';
  const message = String(record[messageKey] ?? '');
  const req = record.req as { method?: string; url?: string } | undefined;
  const res = record.res as { statusCode?: number } | undefined;
  const http =
    req && res
      ? `: ${req.method} ${req.url} -> ${res.statusCode} in ${String(record.responseTime)} ms`
      : '';
  const startup = record.startup as Record<string, string> | undefined;
  const block = startup ? `\n${summaryLines(startup)}` : '';
  return `${context}${message}${http}${block}`;
}

function summaryLines(fields: Record<string, string>): string {
  const width = Math.max(...Object.keys(fields).map((key) => key.length));
  return Object.entries(fields)
    .map(([key, value]) => `    ${key.padEnd(width)}  ${value}`)
    .join('\n');
}

/** The logger of either app: nestjs-pino with the format `usesPrettyLogs` picks. */
export function loggerModule(config: AppConfig): DynamicModule {
  const options: LoggerOptions = pinoOptions(config);
  const http = { autoLogging: { ignore: (req: { url?: string }) => req.url === '/health/live' } };
  if (!usesPrettyLogs(config)) return LoggerModule.forRoot({ pinoHttp: { ...options, ...http } });
  return LoggerModule.forRoot({ pinoHttp: [{ ...options, ...http }, prettyLogStream()] });
}

/**
 * pino-pretty in this process and synchronous (no worker thread, nothing lost when the process
 * exits), writing to stdout unless told otherwise.
 */
export function prettyLogStream(
  destination: number | NodeJS.WritableStream = 1,
  colorize?: boolean,
): PrettyStream {
  return pretty({
    destination,
    colorize,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: FOLDED_IN_PRETTY,
    messageFormat: (record, messageKey) => prettyMessage(record, messageKey),
  });
}

export type StartupSummary = Readonly<{
  message: string;
  fields: Readonly<Record<string, string>>;
}>;

/**
 * What a newcomer looks for once the process is up: where it answers, where the data is,
 * what runs where. `port` is the one actually bound (PORT=0 picks a free one).
 */
export function startupSummary(
  config: AppConfig,
  app: Readonly<{ kind: 'api'; port: number } | { kind: 'projector' }>,
): StartupSummary {
  const embedded = config.EMBEDDED_PROJECTOR === 'true';
  const store = `${config.EVENT_STORE}: ${config.eventStoreSummary.replace(/^events in /, '')}`;
  const common = {
    topology: config.topology,
    'data folder': resolve(config.DATA_DIR),
    events: store,
    'read models and state': config.databaseSummary,
  };
  if (app.kind === 'projector') {
    return {
      message: 'projector running',
      fields: { ...common, projections: 'in this process', Kafka: kafkaSummary(config) },
    };
  }
  const host = ['0.0.0.0', '::'].includes(config.HOST) ? 'localhost' : config.HOST;
  const url = `http://${host}:${app.port}`;
  return {
    message: `API ready on ${url}`,
    fields: {
      URL: url,
      'API docs': `${url}/docs`,
      ...common,
      projections: embedded ? 'in this process' : 'in the projector app (EMBEDDED_PROJECTOR=false)',
      Kafka: embedded
        ? kafkaSummary(config)
        : 'published by the projector app, if it has KAFKA_BROKERS',
      tokens: `${tokenCommandPrefix(config)}npm run -s token -- --role program-manager --member-state ${config.MEMBER_STATES[0]} --subject alice`,
    },
  };
}

/** `notificationsSummary` without its leading words, which the block's label already says. */
const kafkaSummary = (config: AppConfig) =>
  notificationsSummary(config).replace(/^Kafka notifications /, '');

function tokenCommandPrefix(config: AppConfig): string {
  if (config.JWT_SECRET) return '(same JWT_SECRET) ';
  return config.DATA_DIR === new AppConfig().DATA_DIR ? '' : `DATA_DIR=${config.DATA_DIR} `;
}

/** Logs the summary as one record: a block in a terminal, one JSON line with fields otherwise. */
export function logStartupSummary(app: INestApplicationContext, summary: StartupSummary): void {
  app.get(Logger).log({ msg: summary.message, startup: summary.fields });
}
