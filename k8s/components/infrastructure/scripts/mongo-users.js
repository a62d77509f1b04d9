// One user per MongoDB service on its own database (as docker/mongo/init-databases.js does
// for compose). Safe to repeat: a missing user is created, an existing one gets its password
// (and roles) set again from the infrastructure-secrets Secret. Runs in the news image, whose
// node_modules hold the MongoDB driver (NODE_PATH).
'use strict';
const { MongoClient } = require('mongodb');

const SERVICES = ['news', 'blog'];
const DEADLINE_MS = 300_000;
// MONGO_USER_ROLES: roles on the user's own database; empty for servers without roles.
const roleNames = (process.env.MONGO_USER_ROLES ?? 'readWrite').split(',').filter(Boolean);

async function connect() {
  const secret = encodeURIComponent(process.env.MONGO_ROOT_PASSWORD ?? '');
  const url = `mongodb://root:${secret}@${process.env.MONGO_HOST ?? 'mongo:27017'}/admin`;
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 3000 });
    try {
      await client.db('admin').command({ ping: 1 });
      return client;
    } catch (error) {
      await client.close();
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function main() {
  const client = await connect();
  try {
    for (const name of SERVICES) {
      const pwd = process.env[`${name.toUpperCase()}_DB_PASSWORD`];
      if (!pwd) throw new Error(`${name.toUpperCase()}_DB_PASSWORD is not set`);
      const db = client.db(name);
      const roles = roleNames.map((role) => ({ role, db: name }));
      const { users } = await db.command({ usersInfo: name });
      if (users.length === 0) {
        await db.command({ createUser: name, pwd, roles });
        console.log(`user ${name} created`);
      } else {
        await db.command({ updateUser: name, pwd, ...(roles.length > 0 ? { roles } : {}) });
        console.log(`user ${name} exists, password set`);
      }
    }
  } finally {
    await client.close();
  }
}

main().catch((error) => {
  console.error(`mongo users: ${error.message}`);
  process.exit(1);
});
