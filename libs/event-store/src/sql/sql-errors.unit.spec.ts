import { isRetryableTransactionError, isUniqueViolation, retryTransaction } from './sql-errors';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('retryTransaction', () => {
  it('runs the work again after a serialization failure or a deadlock, and returns its result', async () => {
    const failures = [withCode('40001'), withCode('40P01'), withCode('SQLITE_BUSY_SNAPSHOT')];
    let runs = 0;
    const result = await retryTransaction(
      async () => {
        runs++;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'done';
      },
      { initialDelayMs: 1 },
    );
    expect(result).toBe('done');
    expect(runs).toBe(4);
  });

  it('throws any other error at once', async () => {
    let runs = 0;
    const work = async () => {
      runs++;
      throw withCode('23505');
    };
    await expect(retryTransaction(work, { initialDelayMs: 1 })).rejects.toThrow('23505');
    expect(runs).toBe(1);
  });

  it('gives up after the given number of attempts with the last error', async () => {
    let runs = 0;
    const work = async () => {
      runs++;
      throw withCode('40001');
    };
    await expect(retryTransaction(work, { attempts: 3, initialDelayMs: 1 })).rejects.toThrow(
      '40001',
    );
    expect(runs).toBe(3);
  });
});

describe('error classification', () => {
  it('tells unique violations from retryable transaction errors and from anything else', () => {
    expect(isUniqueViolation(withCode('23505'))).toBe(true);
    expect(isUniqueViolation(withCode('40001'))).toBe(false);
    expect(isRetryableTransactionError(withCode('23505'))).toBe(false);
    for (const nothing of [undefined, null, 'SQLITE_BUSY_SNAPSHOT', new Error('40001')]) {
      expect(isUniqueViolation(nothing)).toBe(false);
      expect(isRetryableTransactionError(nothing)).toBe(false);
    }
  });
});
