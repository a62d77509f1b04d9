import type { DataSource } from 'typeorm';
import { ViewCounter } from './view-counter';
import type { ViewBatch, ViewsRepository } from './views.repository';

function counter(fail = false) {
  const batches: ViewBatch[] = [];
  let failing = fail;
  const repo = {
    add: async (_db: unknown, _day: string, batch: ViewBatch) => {
      if (failing) throw new Error('database down');
      batches.push(batch);
    },
  } as unknown as ViewsRepository;
  const views = new ViewCounter(
    { VIEW_FLUSH_INTERVAL_MS: 60_000 },
    { manager: {} } as DataSource,
    repo,
  );
  return { views, batches, recover: () => (failing = false) };
}

describe('ViewCounter', () => {
  it('writes many views as one batch of per-episode counts', async () => {
    const { views, batches } = counter();
    for (let i = 0; i < 5; i++) views.record('s1', 'e1');
    views.record('s1', 'e2');
    await views.flush();
    expect(batches).toEqual([
      { episodeIds: ['e1', 'e2'], seriesIds: ['s1', 's1'], counts: [5, 1] },
    ]);
    await views.flush();
    expect(batches).toHaveLength(1);
  });

  it('keeps the counts of a failed flush for the next one', async () => {
    const { views, batches, recover } = counter(true);
    views.record('s1', 'e1');
    await views.flush();
    views.record('s1', 'e1');
    recover();
    await views.flush();
    expect(batches).toEqual([{ episodeIds: ['e1'], seriesIds: ['s1'], counts: [2] }]);
  });

  it('flushes what is left on shutdown', async () => {
    const { views, batches } = counter();
    views.onModuleInit();
    views.record('s2', 'e9');
    await views.onModuleDestroy();
    expect(batches).toEqual([{ episodeIds: ['e9'], seriesIds: ['s2'], counts: [1] }]);
  });
});
