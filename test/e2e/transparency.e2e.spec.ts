import {
  leafHash,
  openCheckpoint,
  parseKeyList,
  verifyBundle,
  verifyConsistency,
  verifyInclusion,
  witnessCheckpoint,
  type Bundle,
} from '@app/transparency';
import { randomUUID } from 'node:crypto';
import {
  AUDITOR,
  establishInDevelopment,
  eventually,
  OPERATOR,
  RU_MANAGER,
  startTestApp,
  VIEWER,
  type Client,
  type TestApp,
} from './support/test-app';
import { startKurrentDb } from '../services/kurrentdb';

type Setup = () => Promise<Readonly<{ env: Record<string, string>; stop: () => Promise<void> }>>;

/**
 * The transparency routes (issue 9 §5) on the embedded default: checkpoints, keys, proofs that
 * verify with the lib's own verifiers, export bundles that the offline verifier accepts, and
 * 400s naming the field.
 */
function transparencySuite(name: string, setup: Setup) {
  describe(`the transparency log over HTTP (${name})`, () => {
    let testApp: TestApp;
    let stopServices: () => Promise<void> = async () => undefined;
    let manager: Client;
    let auditor: Client;
    let operator: Client;
    let anonymous: Client;
    let verifierKey: string;
    let origin: string;

    beforeAll(async () => {
      const services = await setup();
      stopServices = services.stop;
      testApp = await startTestApp({ CHECKPOINT_INTERVAL_S: '1', ...services.env });
      origin = testApp.config.TRANSPARENCY_ORIGIN;
      manager = await testApp.as(RU_MANAGER);
      auditor = await testApp.as(AUDITOR);
      operator = await testApp.as(OPERATOR);
      anonymous = await testApp.as();
    });
    afterAll(async () => {
      await testApp?.close();
      await stopServices();
    });

    const trusted = () => parseKeyList([{ verifierKey }]);
    const openNote = (note: string) => {
      const opened = openCheckpoint(note, trusted());
      if (!opened.ok) throw new Error(`checkpoint does not verify: ${opened.message}`);
      return opened.checkpoint;
    };
    const establish = () => establishInDevelopment(manager, `Transparent JV ${randomUUID()}`);

    it('has nothing to show or sign while the log is empty, and publishes its key to anyone', async () => {
      const keys = await anonymous.get('/transparency/keys');
      expect(keys.status).toBe(200);
      expect(keys.body.keys).toHaveLength(1);
      expect(keys.body.keys[0]).toMatchObject({ name: origin });
      verifierKey = keys.body.keys[0].verifierKey;
      expect(verifierKey.startsWith(`${origin}+`)).toBe(true);

      const none = await auditor.get('/transparency/checkpoint');
      expect(none.status).toBe(404);
      expect(none.body.type).toMatch(/no-checkpoint$/);
      const empty = await operator.post('/transparency/checkpoints');
      expect(empty.status).toBe(409);
      expect((await auditor.get('/transparency/checkpoints')).body).toEqual({
        items: [],
        nextAfter: null,
      });
    });

    it('exports a bundle the offline verifier accepts, and proves each event in the signed tree', async () => {
      const id = await establish();
      const exported = await auditor.get(`/joint-ventures/${id}/export`);
      expect(exported.status).toBe(200);
      const bundle = exported.body as Bundle;
      expect(bundle.format).toBe('jv-ledger-bundle/1');
      expect(bundle.events).toHaveLength(2);
      expect(verifyBundle(bundle, [verifierKey])).toMatchObject({ valid: true, events: 2 });
      const tampered = structuredClone(exported.body) as {
        events: { data: Record<string, unknown> }[];
      };
      tampered.events[0].data.name = 'Someone else';
      expect(verifyBundle(tampered, [verifierKey])).toMatchObject({
        valid: false,
        check: 'hash',
        event: { index: 0 },
      });

      const text = await auditor.get('/transparency/checkpoint');
      expect(text.status).toBe(200);
      expect(String(text.headers['content-type'])).toMatch(/^text\/plain/);
      const checkpoint = openNote(text.body);
      expect(checkpoint.origin).toBe(origin);

      const history = await auditor.get(`/joint-ventures/${id}/history`);
      for (const event of history.body.items) {
        const proof = await auditor.get(
          `/transparency/inclusion?eventId=${event.id}&treeSize=${checkpoint.size}`,
        );
        expect(proof.status).toBe(200);
        const path = proof.body.auditPath.map((h: string) => Buffer.from(h, 'base64'));
        const leaf = leafHash(Buffer.from(event.metadata.hash, 'hex'));
        expect(
          verifyInclusion(proof.body.leafIndex, checkpoint.size, leaf, path, checkpoint.root),
        ).toBe(true);
      }
    });

    it('signs a second checkpoint that a witness finds consistent with the first', async () => {
      const firstNote = (await auditor.get('/transparency/checkpoint')).body as string;
      const first = openNote(firstNote);
      await establish();
      await establish();
      // The operator signs on demand, once the log has taken in the new events.
      const signed = await eventually(async () => {
        const reply = await operator.post('/transparency/checkpoints');
        expect(reply.status).toBe(200);
        expect(reply.body.treeSize).toBeGreaterThanOrEqual(first.size + 4);
        return reply.body;
      });
      const second = openNote(signed.note);
      expect(signed.rootHash).toBe(second.root.toString('base64'));
      const reply = await auditor.get(
        `/transparency/consistency?first=${first.size}&second=${second.size}`,
      );
      expect(reply.status).toBe(200);
      const proof = reply.body.proof.map((h: string) => Buffer.from(h, 'base64'));
      expect(verifyConsistency(first.size, second.size, proof, first.root, second.root)).toBe(true);
      expect(
        witnessCheckpoint({
          origin,
          trustedKeys: trusted(),
          previous: firstNote,
          next: signed.note,
          consistencyProof: proof,
        }),
      ).toMatchObject({ accepted: true });

      const listed = await auditor.get('/transparency/checkpoints?after=-1&limit=100');
      expect(listed.status).toBe(200);
      const positions = listed.body.items.map((c: { position: number }) => c.position);
      expect(positions).toEqual(positions.map((_: number, i: number) => i));
      expect(listed.body.items.at(-1).position).toBe(signed.position);
      const page = await auditor.get('/transparency/checkpoints?after=0&limit=1');
      expect(page.body.items).toEqual([listed.body.items[1]]);
      expect(page.body.nextAfter).toBe(1);
    });

    it('keeps the projections and its own consumer healthy beside the checkpoint stream', async () => {
      const health = await operator.get('/health');
      expect(health.status).toBe(200);
      const consumers = health.body.details.consumers;
      expect(consumers.TransparencyLog).toMatchObject({ role: 'active', degraded: false });
      for (const name of ['JointVentureSummaries', 'JointVentureDetails', 'JointVentureTimeline'])
        expect({ name, degraded: consumers[name]?.degraded }).toEqual({ name, degraded: false });
      // The checkpoints are events, but of no JV: the list shows only the JVs established here.
      const list = await auditor.get('/joint-ventures?limit=100');
      expect(
        list.body.items.every((jv: { name: string }) => jv.name.startsWith('Transparent JV')),
      ).toBe(true);
    });

    it('signs by itself every CHECKPOINT_INTERVAL_S when the log grew', async () => {
      const size = openNote((await auditor.get('/transparency/checkpoint')).body).size;
      await establish();
      // Nobody asks for a checkpoint here: the lease holder of the consumer signs it.
      await eventually(async () => {
        const latest = openNote((await auditor.get('/transparency/checkpoint')).body);
        expect(latest.size).toBeGreaterThanOrEqual(size + 2);
      });
    });

    it('refuses bad parameters with a 400 naming the field', async () => {
      const fieldOf = async (url: string) => {
        const reply = await auditor.get(url);
        expect({ url, status: reply.status }).toEqual({ url, status: 400 });
        return reply.body.errors.map((e: { field: string }) => e.field);
      };
      const size = openNote((await auditor.get('/transparency/checkpoint')).body).size;
      expect(await fieldOf('/transparency/inclusion')).toContain('eventId');
      expect(await fieldOf('/transparency/inclusion?eventId=nope')).toContain('eventId');
      expect(
        await fieldOf(`/transparency/inclusion?eventId=${randomUUID()}&treeSize=abc`),
      ).toContain('treeSize');
      const jv = await establish();
      await eventually(async () =>
        expect(openNote((await auditor.get('/transparency/checkpoint')).body).size).toBeGreaterThan(
          size,
        ),
      );
      const [last] = (await auditor.get(`/joint-ventures/${jv}/history`)).body.items.slice(-1);
      expect(await fieldOf(`/transparency/inclusion?eventId=${last.id}&treeSize=1`)).toEqual([
        'treeSize',
      ]);
      expect(
        await fieldOf(`/transparency/inclusion?eventId=${last.id}&treeSize=${2 ** 40}`),
      ).toEqual(['treeSize']);
      expect(await fieldOf('/transparency/consistency?first=1')).toContain('second');
      expect(await fieldOf('/transparency/consistency?first=4&second=2')).toEqual(['first']);
      expect(await fieldOf(`/transparency/consistency?first=1&second=${size + 1000}`)).toEqual([
        'second',
      ]);
      expect(await fieldOf('/transparency/checkpoints?limit=0')).toEqual(['limit']);
      expect(await fieldOf('/transparency/checkpoints?limit=101')).toEqual(['limit']);
      expect(await fieldOf('/transparency/checkpoints?after=x')).toEqual(['after']);
      const unknown = await auditor.get(`/transparency/inclusion?eventId=${randomUUID()}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'eventId' })]);
    });

    it('exports only to auditors, and only JVs in their scope', async () => {
      const id = await establish();
      const viewer = await testApp.as(VIEWER);
      expect((await viewer.get(`/joint-ventures/${id}/export`)).status).toBe(403);
      const outside = await testApp.as({ subject: 'k', role: 'auditor', memberState: 'KG' });
      await eventually(async () =>
        expect((await auditor.get(`/joint-ventures/${id}`)).status).toBe(200),
      );
      expect((await outside.get(`/joint-ventures/${id}/export`)).status).toBe(404);
      expect((await auditor.get(`/joint-ventures/${randomUUID()}/export`)).status).toBe(404);
      expect((await auditor.post('/transparency/checkpoints')).status).toBe(403);
      expect((await anonymous.get('/transparency/checkpoint')).status).toBe(401);
    });

    it('proves an event only to auditors who may audit its JV; to others it is an unknown event', async () => {
      const id = await establish();
      const own = await testApp.as({ subject: 'r', role: 'auditor', memberState: 'RU' });
      const outside = await testApp.as({ subject: 'k', role: 'auditor', memberState: 'KG' });
      const [event] = await eventually(async () => {
        const history = await auditor.get(`/joint-ventures/${id}/history`);
        expect(history.body.items).toHaveLength(2);
        return history.body.items;
      });
      const inclusion = (client: Client, eventId: string) =>
        client.get(`/transparency/inclusion?eventId=${eventId}`);
      const proved = await eventually(async () => {
        const reply = await inclusion(auditor, event.id);
        expect(reply.status).toBe(200);
        return reply.body;
      });
      expect((await inclusion(own, event.id)).body).toEqual(proved);

      const hidden = await inclusion(outside, event.id);
      const unknownId = randomUUID();
      const unknown = await inclusion(outside, unknownId);
      expect(hidden.status).toBe(404);
      expect(hidden.body.leafIndex).toBeUndefined();
      // Byte for byte the answer to an id that is not in the log, but for the id itself.
      expect(JSON.stringify(hidden.body).replaceAll(event.id, 'ID')).toBe(
        JSON.stringify(unknown.body).replaceAll(unknownId, 'ID'),
      );
      // A bad tree size does not tell it apart either.
      expect((await inclusion(outside, `${event.id}&treeSize=${2 ** 40}`)).status).toBe(404);
    });
  });
}

transparencySuite('events in SQLite', async () => ({ env: {}, stop: async () => undefined }));
transparencySuite('events in KurrentDB', async () => {
  const server = await startKurrentDb();
  return {
    env: { EVENT_STORE: 'kurrentdb', KURRENTDB_URL: server.connectionString },
    stop: () => server.stop(),
  };
});
