import { Injectable } from '@nestjs/common';

/** Lets a local write wake this process's relay at once instead of at its next poll. */
@Injectable()
export class OutboxSignal {
  private listener: (() => void) | undefined;

  onWake(listener: () => void): void {
    this.listener = listener;
  }

  wake(): void {
    this.listener?.();
  }
}
