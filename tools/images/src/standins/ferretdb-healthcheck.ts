import { MongoClient } from 'mongodb';

/**
 * Healthy once every service user the init scripts create can log in to its own database
 * and ping it: readiness after initialisation, not just an open port.
 */
const users = ['news', 'blog'].filter((u) => process.env[`${u.toUpperCase()}_DB_PASSWORD`]);

async function check(user: string): Promise<void> {
  const pwd = encodeURIComponent(process.env[`${user.toUpperCase()}_DB_PASSWORD`] ?? '');
  const client = new MongoClient(
    `mongodb://${user}:${pwd}@127.0.0.1:27017/${user}?authSource=${user}`,
    {
      serverSelectionTimeoutMS: 2000,
    },
  );
  try {
    await client.db(user).command({ ping: 1 });
  } finally {
    await client.close();
  }
}

Promise.all(users.map(check)).then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
