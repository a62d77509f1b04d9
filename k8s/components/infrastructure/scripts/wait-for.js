// Init container of every app: waits until each host:port given accepts a TCP connection, so an
// app starts once Kafka and Consul listen, instead of using up its own start-up retries while
// they boot and being restarted with a growing back-off.
'use strict';
const net = require('node:net');

const DEADLINE_MS = 600_000;

function reachable(target) {
  const [host, port] = target.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: 2000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function main(targets) {
  const deadline = Date.now() + DEADLINE_MS;
  for (const target of targets) {
    while (!(await reachable(target))) {
      if (Date.now() > deadline)
        throw new Error(`${target} not reachable in ${DEADLINE_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.log(`${target} reachable`);
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`wait-for: ${error.message}`);
  process.exit(1);
});
