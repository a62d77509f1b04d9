import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/errors';
import { call } from '../../api/http';
import type { Page, TopUp, Transaction, Wallet } from '../../api/types';
import { coins, date, ErrorMessage, Loaded } from '../../ui/status';
import { useLoad } from '../../ui/use-load';
import { useSubmit } from '../../ui/use-submit';
import { topUpProblem } from './top-up';

const KIND_TEXT: Record<string, string> = {
  signup_bonus: 'Welcome bonus',
  top_up: 'Top-up',
  purchase: 'Episode purchase',
  purchase_refund: 'Refund',
};

/** The reader's wallet: balance, a top-up form with the test cards, and the ledger. */
export function WalletPage() {
  const [wallet, reloadWallet] = useLoad('wallet', (signal) =>
    call<Wallet>('GET', '/api/payments/wallet', { signal }),
  );
  const [transactions, reloadTransactions] = useLoad('transactions', (signal) =>
    call<Page<Transaction>>('GET', '/api/payments/transactions?limit=50', { signal }),
  );
  const reload = () => {
    reloadWallet();
    reloadTransactions();
  };
  // A new account's wallet is opened by payment when it hears of the signup (an event, so a
  // moment later): until then the wallet is a 404, and the page asks again.
  const opening =
    wallet.state === 'failed' && wallet.error instanceof ApiError && wallet.error.status === 404;
  const [tries, setTries] = useState(0);
  useEffect(() => {
    if (!opening || tries >= 30) return;
    const timer = setTimeout(() => {
      setTries((n) => n + 1);
      reload();
    }, 1000);
    return () => clearTimeout(timer);
  });
  return (
    <section aria-labelledby="wallet-title">
      <h1 id="wallet-title">Wallet</h1>
      {opening && tries < 30 ? (
        <p className="muted" role="status">
          Your wallet is being opened; this takes a moment…
        </p>
      ) : (
        <Loaded load={wallet} what="your wallet">
          {(w) => (
            <p className="balance">
              Balance: <strong data-testid="balance">{coins(w.balance)}</strong>
              {w.status === 'closed' ? ' (closed)' : ''}
            </p>
          )}
        </Loaded>
      )}
      <TopUpForm onDone={reload} />
      <h2>Transactions</h2>
      <Loaded load={transactions} what="transactions">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">No transactions yet.</p>
          ) : (
            <table className="transactions">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Balance after</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((t) => (
                  <tr key={t.transactionId}>
                    <td>{date(t.createdAt)}</td>
                    <td>{KIND_TEXT[t.kind] ?? t.kind}</td>
                    <td className={t.amount < 0 ? 'debit' : 'credit'}>
                      {t.amount > 0 ? `+${t.amount}` : t.amount}
                    </td>
                    <td>{t.balanceAfter}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

function TopUpForm({ onDone }: { onDone: () => void }) {
  const [amount, setAmount] = useState('10');
  const [card, setCard] = useState('4242 4242 4242 4242');
  const [done, setDone] = useState<TopUp>();
  const { problems, error, busy, run } = useSubmit();
  const problem = problems[0];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(undefined);
    const found = topUpProblem(amount, card);
    void run(found ? [found] : [], async () => {
      const topUp = await call<TopUp>('POST', '/api/payments/top-ups', {
        body: { amount: Number(amount), cardNumber: card.replace(/[\s-]/g, '') },
        idempotencyKey: crypto.randomUUID(),
      });
      setDone(topUp);
      onDone();
    });
  };

  return (
    <form onSubmit={submit} className="panel" aria-labelledby="top-up-title" noValidate>
      <h2 id="top-up-title">Top up</h2>
      <label htmlFor="amount">Coins</label>
      <input
        id="amount"
        inputMode="numeric"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        required
      />
      <label htmlFor="card">Card number</label>
      <input
        id="card"
        inputMode="numeric"
        autoComplete="cc-number"
        value={card}
        onChange={(e) => setCard(e.target.value)}
        aria-describedby="card-help"
        required
      />
      <p id="card-help" className="muted">
        Test cards: 4242 4242 4242 4242 is accepted, 4000 0000 0000 0002 is always declined.
      </p>
      <button type="submit" disabled={busy}>
        Top up
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {error && <ErrorMessage error={error} />}
      {done && (
        <p role="status" className="ok">
          Added {coins(done.amount)}. New balance: {coins(done.balanceAfter)}.
        </p>
      )}
    </form>
  );
}
