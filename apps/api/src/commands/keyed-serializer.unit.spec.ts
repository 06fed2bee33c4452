import { KeyedSerializer } from './keyed-serializer';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedSerializer', () => {
  it('starts a task only once the previous one with its key has settled, even when it failed', async () => {
    const serializer = new KeyedSerializer();
    const started: string[] = [];
    const [first, second] = [deferred(), deferred()];
    const a = serializer.run('jv-1', () => (started.push('a'), first.promise));
    const b = serializer.run('jv-1', () => (started.push('b'), second.promise));
    const c = serializer.run('jv-1', async () => started.push('c'));

    await settle();
    expect(started).toEqual(['a']);
    first.reject(new Error('refused'));
    await expect(a).rejects.toThrow('refused');
    await settle();
    expect(started).toEqual(['a', 'b']);
    second.resolve();
    await b;
    await c;
    expect(started).toEqual(['a', 'b', 'c']);
    await settle();
    expect(serializer.busyKeys).toBe(0); // nothing kept for a key once idle
  });

  it('runs tasks with different keys concurrently', async () => {
    const serializer = new KeyedSerializer();
    const started: string[] = [];
    const blocker = deferred();
    void serializer.run('jv-1', () => (started.push('jv-1'), blocker.promise));
    const other = serializer.run('jv-2', async () => (started.push('jv-2'), 'done'));

    await expect(other).resolves.toBe('done');
    expect(started).toEqual(['jv-1', 'jv-2']);
    blocker.resolve();
  });
});
