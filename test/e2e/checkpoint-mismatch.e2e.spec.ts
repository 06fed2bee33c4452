import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import {
  AUDITOR,
  establishInDevelopment,
  eventually,
  OPERATOR,
  RU_MANAGER,
  startTestApp,
  type Client,
  type TestApp,
} from './support/test-app';

/**
 * When the stored transparency log no longer reproduces a checkpoint it signed (issue 9 §7), an
 * export cannot be proved against it: the route answers a 409 problem naming which part of the
 * log disagrees and the two sizes, not a 500 and not a bundle. Each case edits the log's own
 * tables in the embedded SQLite file behind the running app, as an insider with the file would.
 */
describe('an export against a checkpoint the log no longer reproduces', () => {
  let testApp: TestApp;
  let manager: Client;
  let auditor: Client;
  let operator: Client;

  beforeEach(async () => {
    // No timed signing: the only checkpoint is the one signed before the tampering.
    testApp = await startTestApp({ CHECKPOINT_INTERVAL_S: '3600' });
    manager = await testApp.as(RU_MANAGER);
    auditor = await testApp.as(AUDITOR);
    operator = await testApp.as(OPERATOR);
  });
  afterEach(async () => {
    await testApp?.close();
  });

  /** A JV with two events, both in the log, and a checkpoint signed over them. */
  const establishAndSign = async () => {
    const id = await establishInDevelopment(manager, `Mismatched JV ${randomUUID()}`);
    const signed = await eventually(async () => {
      const reply = await operator.post('/transparency/checkpoints');
      expect(reply.status).toBe(200);
      expect(reply.body.treeSize).toBe(2);
      return reply.body;
    });
    expect((await auditor.get(`/joint-ventures/${id}/export`)).status).toBe(200);
    return { id, size: signed.treeSize as number };
  };

  const editLog = (statement: string, ...params: unknown[]) => {
    const db = new Database(testApp.config.databaseFile);
    try {
      expect(db.prepare(statement).run(...params).changes).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  };

  it("answers 409 checkpoint-mismatch naming the root when the log's root was changed", async () => {
    const { id, size } = await establishAndSign();
    editLog('update transparency_log set root = ? where id = 1', Buffer.alloc(32, 7));

    const reply = await auditor.get(`/joint-ventures/${id}/export`);
    expect(reply.status).toBe(409);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({
      status: 409,
      type: expect.stringMatching(/\/checkpoint-mismatch$/),
      part: 'root',
      checkpointSize: size,
      logSize: size,
    });
    expect(reply.body.detail).toMatch(new RegExp(`root at size ${size}`));
  });

  it("answers 409 checkpoint-mismatch naming the heads when a JV's last leaf was rewritten", async () => {
    const { id, size } = await establishAndSign();
    editLog(
      'update transparency_leaves set event_hash = ? where stream_id = ? and revision = 1',
      Buffer.alloc(32, 9),
      `joint-venture-${id}`,
    );

    const reply = await auditor.get(`/joint-ventures/${id}/export`);
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({
      type: expect.stringMatching(/\/checkpoint-mismatch$/),
      part: 'heads',
      checkpointSize: size,
    });
    expect(reply.body.detail).toMatch(/heads/);
  });
});
