import { applyDecorators } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiResponse } from '@nestjs/swagger';
import { PROPOSAL_ACCEPTED, ProposalDto } from '../proposals/proposals.request.dto';

const PROBLEMS: Record<number, string> = {
  400: 'invalid request: `errors` names every offending field',
  401: 'missing or invalid bearer token',
  403: 'the role or member state may not do this',
  404: 'no such joint venture',
  409: "refused by the lifecycle or an invariant: names the current stage (currentStage; currentPhase is its deprecated alias) and what is allowed; or type integrity-alarm: the JV's stored history failed verification (check, brokenVersion), nothing is recorded on it",
  412: 'If-Match names a version that is not the current one',
  413: 'body larger than the limit',
  422: 'refers to something this joint venture does not have',
};

/** Documents the RFC 9457 problem responses a route can give. */
export const ApiProblems = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: `application/problem+json: ${PROBLEMS[status]}` }),
    ),
  );

/** The headers and problems common to every command route. */
export const ApiCommand = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'apply only at this version, e.g. W/"3" (412 otherwise)',
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'a retry with the same key returns the first response and records nothing new',
    }),
    ApiProblems(400, 401, 403, 404, 409, 412, 413, 422),
  );

/** An action of the approval rules: with APPROVALS=on it may answer 202 with a proposal. */
export const ApiSharedControl = () =>
  ApiAcceptedResponse({ type: ProposalDto, description: PROPOSAL_ACCEPTED });
