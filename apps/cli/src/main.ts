import 'reflect-metadata';
import { ConfigError, SigningKeyMissingError } from '@app/runtime';
import { checkpointCommand } from './commands/checkpoint.command';
import type { CliCommand } from './commands/command';
import { exportCommand } from './commands/export.command';
import { deadLettersCommand } from './commands/dead-letters.command';
import { migrateCommand } from './commands/migrate.command';
import { rebuildProjectionsCommand } from './commands/rebuild-projections.command';
import { tokenCommand } from './commands/token.command';
import { verifyBundleCommand } from './commands/verify-bundle.command';
import { verifyCommand } from './commands/verify.command';
import { witnessCommand } from './commands/witness.command';
import { CommandFailure, UsageError } from './usage-error';

/** Every command of `npm run -s ledger -- <command>`, one file each under `commands/`. */
const COMMANDS: readonly CliCommand[] = [
  tokenCommand,
  rebuildProjectionsCommand,
  migrateCommand,
  exportCommand,
  checkpointCommand,
  verifyBundleCommand,
  witnessCommand,
  verifyCommand,
  deadLettersCommand,
];

const USAGE = `usage:\n${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}`;

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(name ? `unknown command '${name}'` : 'no command given');
  return command.run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CommandFailure) {
    console.error(error.message);
    process.exit(error.exitCode);
  }
  const known =
    error instanceof ConfigError ||
    error instanceof SigningKeyMissingError ||
    error instanceof UsageError;
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else console.error(known ? (error as Error).message : error);
  process.exit(known ? 2 : 1);
});
