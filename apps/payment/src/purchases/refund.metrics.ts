import { Counter, type Registry } from 'prom-client';

/** Compensations of the purchase saga: debits given back because their purchase expired. */
export class RefundMetrics {
  private readonly refunds: Counter;

  constructor(registry: Registry) {
    this.refunds = new Counter({
      name: 'purchase_refunds_total',
      help: 'Purchase debits refunded because the purchase expired before payment answered.',
      registers: [registry],
    });
  }

  refunded(): void {
    this.refunds.inc();
  }
}
