/** Readiness of a Kafka broker, however it was started (local jars, testcontainers, external). */
import { Kafka, logLevel } from 'kafkajs';
import { pollUntilReady } from '../harness-processes';

/**
 * Polls `admin.describeCluster()` until it answers with at least one broker, `deadline` passes, or
 * `dead()` returns a reason to give up (the broker process exited).
 */
export async function waitForKafkaAdmin(
  brokers: string[],
  deadline: number,
  dead: () => string | undefined = () => undefined,
): Promise<void> {
  const probe = async () => {
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
      if (cluster.brokers.length === 0)
        throw new Error('describeCluster() answered with no brokers');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  const what = `Kafka at ${brokers.join(',')} (admin.describeCluster())`;
  await pollUntilReady(what, probe, deadline, dead, 200);
}
