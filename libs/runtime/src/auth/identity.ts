import type { Actor } from '@app/domain';

/**
 * Who is calling, as a verified bearer token vouches: the actor that events record, plus what
 * the need-to-know scopes decide on. Subjects are unique per issuer only, so the issuer comes
 * with them.
 */
export type Identity = Readonly<{
  actor: Actor;
  /**
   * The commission's scope: the token's member state is the configured commission scope
   * (`COMMISSION_MEMBER_STATE`, `CSTO` by default), not one of the member states.
   */
  commission: boolean;
  /** The token's `iss`. */
  issuer: string;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}>;

/** Checks a bearer token and says who it vouches for. */
export interface TokenVerifier {
  /** Resolves the identity, or rejects with `InvalidTokenError` or `IdentityProviderUnavailableError`. */
  verify(token: string): Promise<Identity>;
  /** What tokens it accepts, for the start-up log (never a secret). */
  readonly description: string;
}

/** The token is not one this service accepts (RFC 6750 `invalid_token`): answer 401. */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** The issuer's keys cannot be fetched, so no token of it can be checked now: answer 503. */
export class IdentityProviderUnavailableError extends Error {
  constructor(
    readonly issuer: string,
    cause: unknown,
  ) {
    super(`the keys of issuer ${issuer} cannot be fetched: ${String(cause)}`, { cause });
    this.name = 'IdentityProviderUnavailableError';
  }
}
