import { ROLES, type Actor, type Role } from '@app/domain';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const KEY_FILE = 'jwt-signing.key';

export type TokenSettings = Readonly<{
  secret?: string;
  dataDir: string;
  issuer: string;
  audience: string;
}>;

export class InvalidTokenError extends Error {}

/**
 * Issues and verifies the HS256 bearer tokens that carry an actor (subject, role, member
 * state). The key comes from JWT_SECRET or, in the embedded default, from a file created in
 * the data folder on first start, so no secret ever sits in the repository.
 */
export class TokenService {
  private constructor(
    private readonly key: Uint8Array,
    private readonly settings: TokenSettings,
  ) {}

  static fromSettings(settings: TokenSettings): TokenService {
    return new TokenService(loadOrCreateKey(settings), settings);
  }

  async issue(actor: Actor, expiresIn = '8h'): Promise<string> {
    return new SignJWT({ role: actor.role, memberState: actor.memberState })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(actor.subject)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.key);
  }

  async verify(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
      });
      const { sub, role, memberState } = payload;
      if (typeof sub !== 'string' || !sub) throw new InvalidTokenError('token has no subject');
      if (!ROLES.includes(role as Role)) throw new InvalidTokenError('token has no valid role');
      if (typeof memberState !== 'string' || !/^[A-Z]{2}$/.test(memberState))
        throw new InvalidTokenError('token has no valid member state');
      return { subject: sub, role: role as Role, memberState };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(error.message);
      throw error;
    }
  }
}

function loadOrCreateKey({ secret, dataDir }: TokenSettings): Uint8Array {
  if (secret) return new TextEncoder().encode(secret);
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // 'wx' fails if another process created it in the meantime; then we read theirs.
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    chmodSync(file, 0o600);
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}
