import { plainToInstance } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MinLength,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';

/** Asymmetric algorithms only: a shared secret (HS256) must never verify an issuer's tokens. */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type Algorithm = (typeof ALLOWED_ALGORITHMS)[number];
export const DEFAULT_ALGORITHMS: readonly Algorithm[] = ALLOWED_ALGORITHMS;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** A member state or the commission's scope, as tokens and configuration name them. */
export const STATE_CODE = /^[A-Z][A-Z0-9]{1,9}$/;

/** https, or http to this machine only (a local identity provider in development and tests). */
function jwksUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined;
  return 'must be an https URL (http only to localhost)';
}

const IsJwksUrl = () =>
  ValidateBy({
    name: 'isJwksUrl',
    validator: {
      validate: (value: unknown) => jwksUrlProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} ${jwksUrlProblem(args?.value) ?? ''}`,
    },
  });

const IsAudience = () =>
  ValidateBy({
    name: 'isAudience',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' && value.length > 0) ||
        (Array.isArray(value) &&
          value.length > 0 &&
          value.every((item) => typeof item === 'string' && item.length > 0)),
      defaultMessage: () => 'audience must be a non-empty string or list of strings',
    },
  });

/**
 * One identity provider the service trusts (AUTH_MODE=oidc), e.g. a national part's:
 * `{"issuer": "https://idp.ru.example/realms/jv", "jwksUrl": "https://idp.ru.example/realms/jv/protocol/openid-connect/certs", "audience": "jv-ledger-api", "memberStates": ["RU"]}`.
 */
export class TrustedIssuer {
  /** The exact `iss` of its tokens. */
  @IsString() @MinLength(1) issuer!: string;
  @IsJwksUrl() jwksUrl!: string;
  /** The `aud` its tokens must carry (one of these). */
  @IsAudience() audience!: string | string[];
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(ALLOWED_ALGORITHMS, { each: true, message: 'each algorithm must be RS256, ES256 or EdDSA' })
  algorithms?: Algorithm[];
  /** The member states it may vouch for (a national part's own); any when left out. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @Matches(STATE_CODE, {
    each: true,
    message: 'each member state must be a code such as RU',
  })
  memberStates?: string[];
  /** Overrides AUTH_ROLE_CLAIM / AUTH_MEMBER_STATE_CLAIM for this issuer. */
  @IsOptional() @IsString() @MinLength(1) roleClaim?: string;
  @IsOptional() @IsString() @MinLength(1) memberStateClaim?: string;
}

/** Marks AUTH_ISSUERS text that is not a JSON array, so validation can say why. */
export class UnparsableIssuers {
  constructor(readonly reason: string) {}
}

/** AUTH_ISSUERS: a JSON array of issuer objects. */
export function parseTrustedIssuers({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    return new UnparsableIssuers(`not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) return new UnparsableIssuers('not a JSON array');
  return parsed.map((item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? plainToInstance(TrustedIssuer, item)
      : item,
  );
}

/** What AUTH_ISSUERS as a whole is checked against: the states an issuer may vouch for. */
type Vouchable = Readonly<{ MEMBER_STATES: readonly string[]; COMMISSION_MEMBER_STATE: string }>;

function issuersProblem(value: unknown, config: Vouchable): string | undefined {
  if (value instanceof UnparsableIssuers) return `must be a JSON array of issuers: ${value.reason}`;
  if (!Array.isArray(value) || value.length === 0)
    return 'must be a JSON array of at least one issuer';
  const names = value.map((item: TrustedIssuer) => item?.issuer);
  if (new Set(names).size !== names.length) return 'names the same issuer twice';
  const vouchable = [...config.MEMBER_STATES, config.COMMISSION_MEMBER_STATE];
  const unknown = value
    .flatMap((item: TrustedIssuer) => (Array.isArray(item?.memberStates) ? item.memberStates : []))
    .filter((state) => !vouchable.includes(state));
  if (unknown.length > 0)
    return `memberStates ${unknown.join(', ')} are neither MEMBER_STATES nor COMMISSION_MEMBER_STATE`;
  return undefined;
}

/** AUTH_ISSUERS as a whole: a list, each issuer once, vouching only for known states. */
export const IsTrustedIssuerList = () =>
  ValidateBy({
    name: 'isTrustedIssuerList',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        issuersProblem(value, args?.object as Vouchable) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        issuersProblem(args?.value, args?.object as Vouchable) ?? '',
    },
  });
