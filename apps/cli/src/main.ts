import 'reflect-metadata';
import { ROLES, type Role } from '@app/domain';
import { rebuildProjections, sqliteRebuildSpace } from '@app/read-models';
import { ConfigError, loadConfig, openStorage } from '@app/runtime';
import { parseArgs } from 'node:util';
import { TokenService } from '../../api/src/auth/token.service';

const USAGE = `usage:
  token --role <${ROLES.join('|')}> --member-state <XX> --subject <name> [--expires-in 8h]
      prints a bearer token signed with the service's key (DATA_DIR or JWT_SECRET), nothing else
  rebuild-projections
      replays the global log into fresh read-model tables and switches to them`;

async function token(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      'member-state': { type: 'string' },
      subject: { type: 'string' },
      'expires-in': { type: 'string', default: '8h' },
    },
  });
  const config = loadConfig();
  const role = values.role as Role;
  const memberState = values['member-state'] ?? '';
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (!config.MEMBER_STATES.includes(memberState))
    throw new UsageError(`--member-state must be one of ${config.MEMBER_STATES.join(', ')}`);
  if (!values.subject) throw new UsageError('--subject is required');
  const tokens = TokenService.fromSettings({
    secret: config.JWT_SECRET,
    dataDir: config.DATA_DIR,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  process.stdout.write(
    `${await tokens.issue({ subject: values.subject, role, memberState }, values['expires-in'])}\n`,
  );
}

async function rebuild(): Promise<void> {
  // The log is replayed from wherever the service keeps its events.
  const config = loadConfig();
  const storage = await openStorage(config);
  try {
    const report = await rebuildProjections({
      db: storage.readModels,
      checkpoints: storage.checkpoints,
      events: storage.events,
      space: sqliteRebuildSpace({ directory: config.DATA_DIR }),
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await storage.close();
  }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'token') return token(args);
  if (command === 'rebuild-projections') return rebuild();
  throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
});
