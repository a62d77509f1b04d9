import type { EventEnvelope } from '@lib/contracts';
import { ON_EVENT_METADATA, OnEvent } from './on-event.decorator';

class WalletHandlers {
  readonly seen: string[] = [];

  @OnEvent('auth.user.registered.v1')
  async openWallet(
    event: EventEnvelope<'auth.user.registered.v1'>,
    _tx: { query(): void },
  ): Promise<void> {
    this.seen.push(event.id);
  }

  // The compiler rejects a handler whose envelope type is not the declared event's.
  // @ts-expect-error registered.v1 handler taking a deleted.v1 envelope
  @OnEvent('auth.user.registered.v1')
  async wrong(event: EventEnvelope<'auth.user.deleted.v1'>): Promise<void> {
    this.seen.push(event.id);
  }
}

describe('@OnEvent', () => {
  it('tags the method with its event type for the bus to find', () => {
    expect(Reflect.getMetadata(ON_EVENT_METADATA, WalletHandlers.prototype.openWallet)).toBe(
      'auth.user.registered.v1',
    );
  });
});
