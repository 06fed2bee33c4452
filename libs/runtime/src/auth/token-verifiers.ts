import type { AppConfig } from '../app-config';
import type { TokenVerifier } from './identity';
import { loadSigningKey } from './local-signing-key';
import { LocalTokens } from './local-tokens';
import { OidcTokens } from './oidc-tokens';

function policyOf(config: AppConfig) {
  return {
    memberStates: config.MEMBER_STATES,
    commissionMemberState: config.COMMISSION_MEMBER_STATE,
    maxLifetimeSeconds: config.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
    clockSkewSeconds: config.AUTH_CLOCK_SKEW_SECONDS,
  };
}

/**
 * The AUTH_MODE=local tokens of this configuration. `createKey`: the service, on its first
 * start, creates the key file in DATA_DIR; every other caller must find it (or JWT_SECRET).
 */
export function localTokensOf(
  config: AppConfig,
  { createKey }: Readonly<{ createKey: boolean }>,
): LocalTokens {
  return new LocalTokens(
    loadSigningKey({ secret: config.JWT_SECRET, dataDir: config.DATA_DIR }, { create: createKey }),
    { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, policy: policyOf(config) },
  );
}

/** What checks the service's bearer tokens, by AUTH_MODE. */
export function tokenVerifierOf(config: AppConfig): TokenVerifier {
  if (config.AUTH_MODE === 'local') return localTokensOf(config, { createKey: true });
  return new OidcTokens({
    issuers: config.AUTH_ISSUERS ?? [],
    policy: {
      ...policyOf(config),
      roleClaim: config.AUTH_ROLE_CLAIM,
      memberStateClaim: config.AUTH_MEMBER_STATE_CLAIM,
    },
    jwksCacheMaxAgeMs: config.AUTH_JWKS_CACHE_MAX_AGE_MS,
    jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_MS,
    jwksTimeoutMs: config.AUTH_JWKS_TIMEOUT_MS,
  });
}
