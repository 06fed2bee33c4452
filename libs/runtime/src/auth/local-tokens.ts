import type { Actor } from '@app/domain';
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { identityFromClaims, type ClaimPolicy } from './identity-claims';
import { InvalidTokenError, type Identity, type TokenVerifier } from './identity';
import type { SigningKey } from './local-signing-key';

export type LocalTokenSettings = Readonly<{
  issuer: string;
  audience: string;
  policy: Omit<ClaimPolicy, 'roleClaim' | 'memberStateClaim' | 'issuerMemberStates'>;
}>;

/**
 * AUTH_MODE=local: HS256 tokens signed with the service's own key (`npm run token`), for the
 * embedded default and for tests. The claims are checked as an identity provider's are.
 */
export class LocalTokens implements TokenVerifier {
  readonly description: string;
  private readonly policy: ClaimPolicy;

  constructor(
    private readonly signingKey: SigningKey,
    private readonly settings: LocalTokenSettings,
  ) {
    this.policy = { ...settings.policy, roleClaim: 'role', memberStateClaim: 'memberState' };
    this.description = `local HS256 tokens (key: ${signingKey.source})`;
  }

  /** Where the key came from: `JWT_SECRET` or the key file's path. */
  get keySource(): string {
    return this.signingKey.source;
  }

  /** A token for the actor, valid for `expiresIn` (`'8h'`, `'30m'`, or seconds). */
  async issue(actor: Actor, expiresIn: string | number = '8h'): Promise<string> {
    const token = await new SignJWT({ role: actor.role, memberState: actor.memberState })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(actor.subject)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(typeof expiresIn === 'number' ? `${expiresIn}s` : expiresIn)
      .sign(this.signingKey.key);
    // The same checks a request gets, so nothing is issued that the service would refuse.
    identityFromClaims(decodeJwt(token), this.policy);
    return token;
  }

  async verify(token: string): Promise<Identity> {
    try {
      const { payload } = await jwtVerify(token, this.signingKey.key, {
        algorithms: ['HS256'],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.policy.clockSkewSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return identityFromClaims(payload, this.policy);
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(error.message);
      throw error;
    }
  }
}
