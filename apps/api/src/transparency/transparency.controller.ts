import { Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Identity } from '@app/runtime';
import { Access, CurrentIdentity, Public } from '../auth/auth.decorators';
import { CheckpointsQuery, ConsistencyQuery, InclusionQuery } from './transparency.request.dto';
import { TransparencyService } from './transparency.service';

const DEFAULT_CHECKPOINTS_PAGE = 20;

const STORED_CHECKPOINT = {
  type: 'object',
  properties: {
    note: {
      type: 'string',
      description: 'the signed note (C2SP tlog-checkpoint), exactly as signed',
    },
    treeSize: { type: 'integer' },
    rootHash: { type: 'string', format: 'byte' },
    signedAt: { type: 'string', format: 'date-time' },
    position: { type: 'integer', description: 'its index in the checkpoint stream' },
  },
} as const;
const HASHES = { type: 'array', items: { type: 'string', format: 'byte' } } as const;

/**
 * The transparency log (issue 9): signed checkpoints, the keys that verify them, inclusion and
 * consistency proofs. Auditors read it; anyone reads the keys; operators sign on demand.
 */
@ApiTags('transparency')
@Controller('transparency')
export class TransparencyController {
  constructor(private readonly transparency: TransparencyService) {}

  @Get('checkpoint')
  @ApiBearerAuth()
  @Access('audit')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'the latest signed checkpoint: the C2SP signed note, exactly as signed',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 404, description: 'no checkpoint has been signed yet' })
  async checkpoint(): Promise<string> {
    return (await this.transparency.latest()).note;
  }

  @Get('checkpoints')
  @ApiBearerAuth()
  @Access('audit')
  @ApiOkResponse({
    description: 'signed checkpoints in the order they were signed; nextAfter pages on',
    schema: {
      type: 'object',
      properties: {
        items: { type: 'array', items: STORED_CHECKPOINT },
        nextAfter: { type: 'integer', nullable: true },
      },
    },
  })
  checkpoints(@Query() { after, limit }: CheckpointsQuery) {
    return this.transparency.checkpoints(after ?? -1, limit ?? DEFAULT_CHECKPOINTS_PAGE);
  }

  @Post('checkpoints')
  @HttpCode(200)
  @ApiBearerAuth()
  @Access('operate')
  @ApiOkResponse({ description: 'the checkpoint signed now', schema: STORED_CHECKPOINT })
  @ApiResponse({ status: 409, description: 'the log is empty: nothing to sign' })
  sign() {
    return this.transparency.signNow();
  }

  @Get('keys')
  @Public()
  @ApiOkResponse({
    description:
      'every verifier key (`<name>+<key id>+<base64 key>`) with its validity: a checkpoint counts ' +
      'when signed by a key valid at its time. For information: verify against a key you obtained yourself',
    schema: {
      type: 'object',
      properties: {
        keys: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              verifierKey: { type: 'string' },
              name: { type: 'string' },
              keyId: { type: 'string' },
              notBefore: { type: 'string', format: 'date-time' },
              notAfter: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
  })
  keys() {
    return this.transparency.keys();
  }

  @Get('inclusion')
  @ApiBearerAuth()
  // Scoped in the service, by the event's JV: as its history, former partners up to withdrawal.
  @Access('audit', { formerPartners: true })
  @ApiOkResponse({
    description:
      "RFC 9162 audit path of the event's leaf in the tree of treeSize, from the leaf up",
    schema: {
      type: 'object',
      properties: {
        leafIndex: { type: 'integer' },
        treeSize: { type: 'integer' },
        auditPath: HASHES,
      },
    },
  })
  @ApiResponse({
    status: 404,
    description:
      'no such event in the log, or one of a JV the caller may not audit, answered alike (`errors` names eventId); or no checkpoint yet',
  })
  inclusion(@Query() { eventId, treeSize }: InclusionQuery, @CurrentIdentity() identity: Identity) {
    return this.transparency.inclusion(eventId, treeSize, identity);
  }

  @Get('consistency')
  @ApiBearerAuth()
  @Access('audit')
  @ApiOkResponse({
    description: 'RFC 9162 consistency proof from the tree of first leaves to the tree of second',
    schema: {
      type: 'object',
      properties: { first: { type: 'integer' }, second: { type: 'integer' }, proof: HASHES },
    },
  })
  consistency(@Query() { first, second }: ConsistencyQuery) {
    return this.transparency.consistency(first, second);
  }
}
