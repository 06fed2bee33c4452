import { localTokensOf } from '@app/runtime';
import type { Socket } from 'node:net';
import {
  closedBy,
  listenOnLoopback,
  openSocket,
  readAnswer,
  type RawAnswer,
} from './support/raw-http';
import { RU_MANAGER, startTestApp, type TestApp } from './support/test-app';

// Generous bounds for a busy machine; the limits under test are a few seconds at most.
const WITHIN = 15_000;
jest.setTimeout(60_000);

/** Over real TCP: Node's parser limits, slow and idle clients, and answers before the body. */
describe('connections', () => {
  let testApp: TestApp;
  let port: number;
  let bearer: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    testApp = await startTestApp({
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
      HTTP_CONNECTION_TIMEOUT_MS: '4000',
      HTTP_MAX_HEADER_BYTES: '8192',
    });
    port = await listenOnLoopback(testApp.app);
    bearer = `Bearer ${await localTokensOf(testApp.config, { createKey: false }).issue(RU_MANAGER)}`;
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));
  afterAll(() => testApp.close());

  const socket = async () => {
    const opened = await openSocket(port);
    sockets.push(opened);
    return opened;
  };
  const problemOf = (answer: RawAnswer) => {
    expect(answer.headers['content-type']).toContain('application/problem+json');
    return JSON.parse(answer.body);
  };

  it('answers headers over HTTP_MAX_HEADER_BYTES with a 431 problem and closes', async () => {
    const client = await socket();
    client.write(
      `GET /joint-ventures HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(9000)}\r\n\r\n`,
    );
    const answer = await readAnswer(client, WITHIN);
    expect(answer.status).toBe(431);
    expect(problemOf(answer)).toMatchObject({
      status: 431,
      type: expect.stringMatching(/header-fields-too-large$/),
    });
    await closedBy(client, WITHIN);
  });

  it('answers what is not HTTP with a 400 problem', async () => {
    const client = await socket();
    client.write('HELLO THERE\r\n\r\n');
    const answer = await readAnswer(client, WITHIN);
    expect([answer.status, problemOf(answer).status]).toEqual([400, 400]);
  });

  it('answers an anonymous command at once, without waiting for its announced body', async () => {
    const client = await socket();
    client.write(
      'POST /joint-ventures HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000000\r\n\r\n{"a":',
    );
    const answer = await readAnswer(client, WITHIN);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="jv-ledger"');
    // The rest of the body is not worth reading: the connection is closed instead.
    expect(answer.headers.connection).toBe('close');
    await closedBy(client, WITHIN);
  });

  it('waits for the body of an authenticated command, and gives up after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const client = await socket();
    client.write(
      `POST /joint-ventures HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
    );
    const answer = await readAnswer(client, WITHIN);
    expect(answer.status).toBe(408);
    expect(problemOf(answer).type).toMatch(/request-timeout$/);
    await closedBy(client, WITHIN);
  });

  it('closes a connection whose headers never finish (slowloris)', async () => {
    const client = await socket();
    client.write('GET /joint-ventures HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => client.writable && client.write('X-A: b\r\n'), 200);
    try {
      const answer = await readAnswer(client, WITHIN);
      expect(answer.status).toBe(408);
      await closedBy(client, WITHIN);
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const client = await socket();
    client.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await readAnswer(client, WITHIN)).status).toBe(200);
    await closedBy(client, WITHIN);
  });

  it('closes a connection that never sends a request', async () => {
    await closedBy(await socket(), WITHIN);
  });
});
