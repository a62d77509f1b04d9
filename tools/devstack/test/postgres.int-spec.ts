import { withDatabase } from '@lib/platform/testing';
import { Client } from 'pg';
import { stackEnv } from './stack-env';

const env = stackEnv();
const SERVICES = {
  auth: env.AUTH_DATABASE_URL,
  webtoon: env.WEBTOON_DATABASE_URL,
  payment: env.PAYMENT_DATABASE_URL,
};

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('dev stack: PostgreSQL, a database and a login role per service', () => {
  it.each(Object.entries(SERVICES))(
    'role %s connects to its own database and owns its schema',
    async (svc, url) => {
      await withClient(url, async (c) => {
        const { rows } = await c.query(
          'SELECT current_user AS "user", current_database() AS db, usesuper FROM pg_user WHERE usename = current_user',
        );
        expect(rows).toEqual([{ user: svc, db: svc, usesuper: false }]);
        await c.query('CREATE TABLE devstack_probe (id int PRIMARY KEY, note text)');
        try {
          await c.query("INSERT INTO devstack_probe VALUES (1, 'ok')");
          const probe = await c.query('SELECT note FROM devstack_probe WHERE id = 1');
          expect(probe.rows).toEqual([{ note: 'ok' }]);
        } finally {
          await c.query('DROP TABLE devstack_probe');
        }
      });
    },
  );

  it('role auth cannot connect to database payment', async () => {
    await expect(
      withClient(withDatabase(SERVICES.auth, 'payment'), async () => 'connected'),
    ).rejects.toMatchObject({
      code: '42501',
      message: 'permission denied for database "payment"',
    });
  });

  it('no service role can connect to another service database', async () => {
    for (const [svc, url] of Object.entries(SERVICES)) {
      for (const other of Object.keys(SERVICES).filter((o) => o !== svc)) {
        await expect(
          withClient(withDatabase(url, other), async () => 'connected'),
        ).rejects.toMatchObject({
          code: '42501',
        });
      }
    }
  });

  it('a wrong password is rejected', async () => {
    const u = new URL(SERVICES.webtoon);
    u.password = 'wrong';
    await expect(withClient(u.toString(), async () => 'connected')).rejects.toMatchObject({
      code: '28P01',
    });
  });

  it('the admin sees CONNECT granted only to each owner', async () => {
    const rows = await withClient(env.POSTGRES_ADMIN_URL, async (c) => {
      const res = await c.query(
        `SELECT r.rolname AS role, d.datname AS db, has_database_privilege(r.rolname, d.datname, 'CONNECT') AS can
           FROM pg_roles r CROSS JOIN pg_database d
          WHERE r.rolname = ANY($1) AND d.datname = ANY($1)
          ORDER BY 1, 2`,
        [Object.keys(SERVICES)],
      );
      return res.rows as { role: string; db: string; can: boolean }[];
    });
    expect(rows).toHaveLength(9);
    for (const r of rows) expect(r.can).toBe(r.role === r.db);
  });
});
