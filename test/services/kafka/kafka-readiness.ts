/** Readiness of a Kafka broker, however it was started (local jars, testcontainers, external). */
import { Kafka, logLevel } from 'kafkajs';
import { sleep } from './kafka-classpath';

/**
 * Polls `admin.describeCluster()` until it answers with at least one broker, `deadline` passes, or
 * `dead()` returns a reason to give up (the broker process exited).
 */
export async function waitForKafkaAdmin(
  brokers: string[],
  deadline: number,
  dead: () => string | undefined = () => undefined,
): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    const why = dead();
    if (why) throw new Error(why);
    const kafka = new Kafka({
      clientId: 'kafka-harness-probe',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: 5_000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
      lastError = new Error('describeCluster() answered with no brokers');
    } catch (err) {
      lastError = err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(200);
  }
  throw new Error(
    `Kafka at ${brokers.join(',')} did not answer admin.describeCluster() in time: ${String(lastError)}`,
  );
}
