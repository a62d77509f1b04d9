import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import type { MongoEventTx } from '@lib/platform/mongo';
import { AuthorsRepository } from '../authors/authors.repository';

/** Keeps the new user's display name, so posts show it without asking auth. */
@Injectable()
export class RememberAuthorWhenUserRegisteredHandler {
  constructor(@Inject(AuthorsRepository) private readonly authors: AuthorsRepository) {}

  @OnEvent('auth.user.registered.v1')
  async handle(event: EventEnvelope<'auth.user.registered.v1'>, tx: MongoEventTx): Promise<void> {
    const { userId, displayName, registeredAt } = event.data;
    // A malformed event fails here and ends in the dead letters instead of storing garbage.
    if (typeof userId !== 'string' || !userId || typeof displayName !== 'string') {
      throw new Error('auth.user.registered.v1 payload is malformed');
    }
    await this.authors.rememberRegistered(tx, {
      ...event.data,
      registeredAt: Number.isNaN(Date.parse(registeredAt)) ? event.occurredAt : registeredAt,
    });
  }
}
