import { ROLES, type Role } from '@app/domain';
import { InvalidTokenError, loadConfig, localTokensOf } from '@app/runtime';
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error';
import type { CliCommand } from './command';

export const tokenCommand: CliCommand = {
  name: 'token',
  usage: `token --role <${ROLES.join('|')}> --member-state <XX> --subject <name> [--expires-in 8h]
      prints a bearer token signed with the service's key (JWT_SECRET, or the key file the
      service created in DATA_DIR), nothing else; says on stderr which key signed it`,
  run: token,
};

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
  if (config.AUTH_MODE !== 'local')
    throw new UsageError(
      `AUTH_MODE=${config.AUTH_MODE}: tokens come from the identity providers in AUTH_ISSUERS; this command signs AUTH_MODE=local tokens only`,
    );
  const role = values.role as Role;
  const memberState = values['member-state'] ?? '';
  const scopes = [...config.MEMBER_STATES, config.COMMISSION_MEMBER_STATE];
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (!scopes.includes(memberState))
    throw new UsageError(`--member-state must be one of ${scopes.join(', ')}`);
  if (!values.subject) throw new UsageError('--subject is required');
  const expiresIn = values['expires-in'] ?? '8h';
  if (!/^\d+ ?(s|m|h|d)?$/.test(expiresIn))
    throw new UsageError('--expires-in must be a duration such as 30m, 8h or 3600');
  // Never creates a key: a token signed with any other key than the service's would be refused.
  const tokens = localTokensOf(config, { createKey: false });
  let token: string;
  try {
    token = await tokens.issue(
      { subject: values.subject, role, memberState },
      /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn,
    );
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new UsageError(error.message);
    throw error;
  }
  console.error(
    tokens.keySource === 'JWT_SECRET'
      ? 'signed with JWT_SECRET'
      : `signed with the key in ${tokens.keySource} (DATA_DIR=${config.DATA_DIR})`,
  );
  process.stdout.write(`${token}\n`);
}
