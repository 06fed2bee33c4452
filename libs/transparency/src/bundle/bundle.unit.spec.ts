import { LedgerFixture, sampleLedger } from '../testing/ledger-fixture';
import {
  buildBundle,
  CheckpointMismatchError,
  StreamNotInCheckpointError,
  streamProofs,
} from './bundle';

const JV = 'joint-venture-00000000-0000-4000-8000-00000000000a';

describe('export bundles', () => {
  it('hold the events up to the head at the checkpoint, one proof each, and the key list', async () => {
    const fixture = await sampleLedger();
    const signed = await fixture.checkpoint();
    fixture.record(JV, 'BatchProduced', { productCode: 'MZKT-7930', quantity: 3 });
    await fixture.commit();
    const bundle = await fixture.bundle(JV, signed);
    expect(bundle.format).toBe('jv-ledger-bundle/1');
    expect(bundle.events.map((event) => event.version)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(bundle.inclusionProofs.map((proof) => proof.leafIndex)).toEqual([0, 3, 6, 9, 12, 15]);
    expect(bundle.checkpoint).toBe(signed.note);
    expect(bundle.keys).toEqual([{ verifierKey: fixture.verifierKey }]);
  });

  it('refuse a JV that had no event at the checkpoint', async () => {
    const fixture = await sampleLedger();
    const signed = await fixture.checkpoint();
    const later = 'joint-venture-00000000-0000-4000-8000-00000000000f';
    fixture.record(later, 'JointVentureEstablished', { name: 'Later JV' });
    await fixture.commit();
    await expect(streamProofs(fixture.log, later, signed.checkpoint)).rejects.toBeInstanceOf(
      StreamNotInCheckpointError,
    );
  });

  it('refuse a checkpoint the log does not reproduce', async () => {
    const fixture = await sampleLedger();
    const other = await sampleLedger(new LedgerFixture());
    const foreign = await other.checkpoint();
    await expect(streamProofs(fixture.log, JV, foreign.checkpoint)).rejects.toMatchObject({
      name: CheckpointMismatchError.name,
      part: 'root',
      checkpointSize: foreign.checkpoint.size,
      logSize: (await fixture.log.state()).size,
    });
    const signed = await fixture.checkpoint();
    const wrongHeads = { ...signed.checkpoint, heads: { ...signed.checkpoint.heads, count: 2 } };
    await expect(streamProofs(fixture.log, JV, wrongHeads)).rejects.toMatchObject({
      part: 'heads',
    });
  });

  it('refuse parts that do not belong together', async () => {
    const fixture = await sampleLedger();
    const signed = await fixture.checkpoint();
    const proofs = await streamProofs(fixture.log, JV, signed.checkpoint);
    const parts = {
      streamId: JV,
      events: fixture.events(JV),
      checkpoint: signed.note,
      inclusionProofs: proofs.inclusionProofs,
      headProof: proofs.headProof,
      keys: fixture.keys.published(),
    };
    expect(() => buildBundle({ ...parts, events: [] })).toThrow(RangeError);
    expect(() =>
      buildBundle({ ...parts, inclusionProofs: proofs.inclusionProofs.slice(1) }),
    ).toThrow('6 events but 5 inclusion proofs');
    expect(() =>
      buildBundle({
        ...parts,
        events: parts.events.slice(1),
        inclusionProofs: proofs.inclusionProofs.slice(1),
      }),
    ).toThrow('event 0 has version 1');
  });
});
