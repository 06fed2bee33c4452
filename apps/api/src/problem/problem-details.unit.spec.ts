import { ProposalNotFoundError, ProposalRefusedError } from '@app/domain';
import { CheckpointMismatchError } from '@app/transparency';
import { IdentityProviderUnavailableError, InvalidTokenError } from '@app/runtime';
import {
  AuthenticationRequiredError,
  IdempotencyKeyConflictError,
  IdempotencyKeyInProgressError,
  MethodNotAllowedError,
  ProposalClosedError,
  RateLimitedError,
} from './application-errors';
import { problemHeaders, toProblem } from './problem-details';

const answer = (error: unknown) => {
  const problem = toProblem(error);
  return {
    status: problem.status,
    type: problem.type.split('/').pop(),
    headers: problemHeaders(error, problem.status),
  };
};

describe('problems that tell the client what to do next', () => {
  it('challenges a missing token without an error code, a bad one with invalid_token (RFC 6750)', () => {
    expect(answer(new AuthenticationRequiredError())).toEqual({
      status: 401,
      type: 'unauthorized',
      headers: { 'www-authenticate': 'Bearer realm="jv-ledger"' },
    });
    expect(answer(new InvalidTokenError('"exp" claim timestamp check failed'))).toEqual({
      status: 401,
      type: 'invalid-token',
      headers: {
        'www-authenticate': `Bearer realm="jv-ledger", error="invalid_token", error_description="'exp' claim timestamp check failed"`,
      },
    });
  });

  it('keeps the challenge a valid header whatever the message holds', () => {
    const { headers } = answer(new InvalidTokenError('bad "token" \\ with\nnewline and ünïcode'));
    expect(headers['www-authenticate']).toMatch(
      /^Bearer realm="jv-ledger", error="invalid_token", error_description="[\x20-\x21\x23-\x5b\x5d-\x7e]*"$/,
    );
  });

  it('says when to retry: rate limits, a keyed request still in progress, an unreachable issuer', () => {
    expect(answer(new RateLimitedError('subject', 100, 60, 42))).toEqual({
      status: 429,
      type: 'rate-limited',
      headers: { 'retry-after': '42' },
    });
    expect(answer(new IdempotencyKeyInProgressError(7))).toEqual({
      status: 409,
      type: 'idempotency-key-conflict',
      headers: { 'retry-after': '7' },
    });
    expect(toProblem(new IdempotencyKeyInProgressError(7)).retryAfterSeconds).toBe(7);
    expect(
      answer(new IdentityProviderUnavailableError('https://idp', new Error('down'))),
    ).toMatchObject({
      status: 503,
      headers: { 'retry-after': expect.stringMatching(/^\d+$/) },
    });
  });

  it('does not ask to retry a key reused for a different request', () => {
    expect(answer(new IdempotencyKeyConflictError('used for a different request'))).toEqual({
      status: 409,
      type: 'idempotency-key-conflict',
      headers: {},
    });
  });

  it('lists the methods a path has on 405', () => {
    expect(
      answer(new MethodNotAllowedError('DELETE', '/joint-ventures', ['GET', 'HEAD', 'POST'])),
    ).toEqual({
      status: 405,
      type: 'method-not-allowed',
      headers: { allow: 'GET, HEAD, POST' },
    });
  });

  it.each([
    [414, 'uri-too-long'],
    [431, 'header-fields-too-large'],
    [408, 'request-timeout'],
    [413, 'body-too-large'],
    [415, 'unsupported-media-type'],
  ])("maps Fastify's and Node's own %i to its own problem type", (statusCode, type) => {
    expect(answer(Object.assign(new Error('x'), { statusCode }))).toMatchObject({
      status: statusCode,
      type,
    });
  });
});

describe('refusals of a proposal step', () => {
  const P = '7c0e7a52-0b1d-4c2e-9f3a-000000000001';
  const refused = (refusal: ConstructorParameters<typeof ProposalRefusedError>[3]) =>
    toProblem(new ProposalRefusedError(P, 'pending', 'refused', refusal));

  it('names each refusal by its own type: 404 unknown, 403 not the caller’s to decide, 409 not now', () => {
    expect(toProblem(new ProposalNotFoundError(P))).toMatchObject({
      status: 404,
      type: expect.stringMatching(/\/proposal-not-found$/),
      proposalId: P,
    });
    expect(refused('not-a-required-state')).toMatchObject({
      status: 403,
      type: expect.stringMatching(/\/not-a-required-state$/),
    });
    expect(refused('not-the-proposer')).toMatchObject({ status: 403 });
    expect(refused('already-approved')).toMatchObject({
      status: 409,
      type: expect.stringMatching(/\/proposal-already-approved$/),
      proposalStatus: 'pending',
    });
    expect(refused('not-pending')).toMatchObject({ status: 409 });
  });

  it('says that an expired proposal was closed, and at which version', () => {
    expect(toProblem(new ProposalClosedError(P, 'expired', 'it expired', 4))).toMatchObject({
      status: 409,
      type: expect.stringMatching(/\/proposal-expired$/),
      proposalStatus: 'closed',
      currentVersion: 4,
    });
  });
});

describe('a stored checkpoint the log no longer reproduces', () => {
  it('is a 409 naming the part and both sizes, not a 500', () => {
    const error = new CheckpointMismatchError(
      'root',
      "the log's root at size 12 is not the checkpoint's",
      12,
      15,
    );
    expect(toProblem(error)).toMatchObject({
      status: 409,
      type: expect.stringMatching(/\/checkpoint-mismatch$/),
      detail: "the log's root at size 12 is not the checkpoint's",
      part: 'root',
      checkpointSize: 12,
      logSize: 15,
    });
  });
});
