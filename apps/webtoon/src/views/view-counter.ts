import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG } from '@lib/platform';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { ViewsRepository } from './views.repository';

export function utcDay(at = new Date()): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Counts episode views in memory and writes them in one statement per interval, so a read
 * costs a map increment instead of a database write. A failed flush puts its counts back;
 * shutdown flushes what is left before the database connection closes.
 */
@Injectable()
export class ViewCounter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ViewCounter.name);
  private pending = new Map<string, { seriesId: string; n: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'VIEW_FLUSH_INTERVAL_MS'>,
    private readonly dataSource: DataSource,
    private readonly views: ViewsRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.VIEW_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  record(seriesId: string, episodeId: string): void {
    const entry = this.pending.get(episodeId);
    if (entry) entry.n++;
    else this.pending.set(episodeId, { seriesId, n: 1 });
  }

  /** Writes the counts gathered so far; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const episodeIds: string[] = [];
    const seriesIds: string[] = [];
    const counts: number[] = [];
    for (const [episodeId, { seriesId, n }] of batch) {
      episodeIds.push(episodeId);
      seriesIds.push(seriesId);
      counts.push(n);
    }
    try {
      await this.views.add(this.dataSource.manager, utcDay(), { episodeIds, seriesIds, counts });
    } catch (error) {
      this.logger.warn(`view flush failed, keeping ${counts.length} counts: ${String(error)}`);
      for (const [episodeId, { seriesId, n }] of batch) {
        const entry = this.pending.get(episodeId);
        if (entry) entry.n += n;
        else this.pending.set(episodeId, { seriesId, n });
      }
    }
  }
}
