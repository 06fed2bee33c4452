export * from './identity';
export * from './identity-claims';
export * from './local-signing-key';
export * from './local-tokens';
export * from './oidc-tokens';
export * from './token-verifiers';
export { ALLOWED_ALGORITHMS, TrustedIssuer, type Algorithm } from './trusted-issuer';
