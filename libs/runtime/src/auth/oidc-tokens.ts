import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { identityFromClaims, type ClaimPolicy } from './identity-claims';
import {
  IdentityProviderUnavailableError,
  InvalidTokenError,
  type Identity,
  type TokenVerifier,
} from './identity';
import { DEFAULT_ALGORITHMS, type TrustedIssuer } from './trusted-issuer';

export type OidcSettings = Readonly<{
  issuers: readonly TrustedIssuer[];
  policy: Omit<ClaimPolicy, 'issuerMemberStates'>;
  /** How long fetched keys are trusted before they are fetched again (ms). */
  jwksCacheMaxAgeMs: number;
  /** After a fetch, how long a token with an unknown `kid` waits for the next one (ms). */
  jwksCooldownMs: number;
  jwksTimeoutMs: number;
}>;

type Trusted = Readonly<{ issuer: TrustedIssuer; keys: JWTVerifyGetKey; policy: ClaimPolicy }>;

/** Errors of the key lookup that say something about the token, not about the issuer's health. */
const TOKEN_KEY_ERRORS = [
  joseErrors.JWKSNoMatchingKey,
  joseErrors.JWKSMultipleMatchingKeys,
  joseErrors.JOSEAlgNotAllowed,
  joseErrors.JOSENotSupported,
];

/**
 * AUTH_MODE=oidc: bearer tokens of one or several identity providers (one per national part),
 * each verified against its issuer's JWKS with jose's remote key set: cached, fetched again when
 * stale or when a token names a key id it does not hold (a rotation), at most once per cooldown.
 */
export class OidcTokens implements TokenVerifier {
  readonly description: string;
  private readonly trusted = new Map<string, Trusted>();

  constructor(settings: OidcSettings) {
    for (const issuer of settings.issuers) {
      const remote = createRemoteJWKSet(new URL(issuer.jwksUrl), {
        cacheMaxAge: settings.jwksCacheMaxAgeMs,
        cooldownDuration: settings.jwksCooldownMs,
        timeoutDuration: settings.jwksTimeoutMs,
      });
      this.trusted.set(issuer.issuer, {
        issuer,
        keys: unavailableWhenUnreachable(issuer.issuer, remote),
        policy: {
          ...settings.policy,
          roleClaim: issuer.roleClaim ?? settings.policy.roleClaim,
          memberStateClaim: issuer.memberStateClaim ?? settings.policy.memberStateClaim,
          issuerMemberStates: issuer.memberStates,
        },
      });
    }
    this.description = `OIDC tokens of ${settings.issuers.map((i) => i.issuer).join(', ')}`;
  }

  async verify(token: string): Promise<Identity> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new InvalidTokenError('the bearer token is not a JWT');
    }
    const trusted = typeof issuer === 'string' ? this.trusted.get(issuer) : undefined;
    if (!trusted) throw new InvalidTokenError('the token is not from a trusted issuer');
    try {
      const { payload } = await jwtVerify(token, trusted.keys, {
        issuer: trusted.issuer.issuer,
        audience: trusted.issuer.audience,
        algorithms: [...(trusted.issuer.algorithms ?? DEFAULT_ALGORITHMS)],
        clockTolerance: trusted.policy.clockSkewSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return identityFromClaims(payload, trusted.policy);
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(error.message);
      throw error;
    }
  }
}

/** A failed fetch of the keys is the issuer's outage (503), not a bad token (401). */
function unavailableWhenUnreachable(issuer: string, keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (TOKEN_KEY_ERRORS.some((type) => error instanceof type)) throw error;
      throw new IdentityProviderUnavailableError(issuer, error);
    }
  };
}
