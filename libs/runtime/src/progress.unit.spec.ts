import { PassThrough } from 'node:stream';
import { progress } from './progress';

describe('progress', () => {
  const collect = () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    return { out, text: () => chunks.join('') };
  };

  it('off a terminal writes nothing while running and one JSON summary line at the end', () => {
    let clock = 0;
    const { out, text } = collect();
    const run = progress({
      operation: 'verify',
      total: 4000,
      unit: 'events',
      out,
      interactive: false,
      now: () => clock,
    });
    run.update(1000);
    clock = 1000;
    run.update(2000);
    expect(text()).toBe('');
    clock = 2000;
    run.update(4000);
    const summary = run.finish({ failures: 0 });
    expect(text().trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(text())).toEqual({
      operation: 'verify',
      done: 4000,
      total: 4000,
      seconds: 2,
      perSecond: 2000,
      failures: 0,
    });
    expect(summary.perSecond).toBe(2000);
  });

  it('on a terminal draws a bar with the rate and the time left and prints no JSON', () => {
    let clock = 0;
    const terminal = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    }) as unknown as NodeJS.WriteStream;
    const drawn: string[] = [];
    (terminal as unknown as PassThrough).on('data', (c: Buffer) => drawn.push(c.toString()));
    const { out, text } = collect();
    const run = progress({
      operation: 'rebuild',
      total: 10,
      unit: 'events',
      terminal,
      out,
      now: () => clock,
    });
    clock = 1000;
    run.update(5);
    run.finish();
    expect(drawn.join('')).toMatch(/rebuild \[.*\] 50% \| 5\/10 events \| 5\/s \| ETA/);
    expect(text()).toBe('');
  });
});
