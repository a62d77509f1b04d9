// One database and one user per MongoDB service, each with readWrite on its own database only.
// Runs once, when the data volume is first created (mongo image's docker-entrypoint-initdb.d).
for (const [name, password] of [
  ['news', process.env.NEWS_DB_PASSWORD],
  ['blog', process.env.BLOG_DB_PASSWORD],
]) {
  db.getSiblingDB(name).createUser({
    user: name,
    pwd: password,
    roles: [{ role: 'readWrite', db: name }],
  });
}
