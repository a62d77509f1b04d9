import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { StackConfig } from './config';
import { exec as run, withLock } from './proc';
import type { Progress } from './progress';
import {
  CONSUL_VERSION,
  FERRETDB_VERSION,
  KAFKA_LOGGING,
  KAFKA_VERSION,
  MAVEN_DEPENDENCY_PLUGIN_VERSION,
  PROMETHEUS_MODULE_VERSION,
  PROMETHEUS_VERSION,
} from './versions';

/** One Go build at a time: the Consul build alone saturates two cores and takes 1-2 GB. */
let goQueue: Promise<unknown> = Promise.resolve();
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const next = goQueue.then(fn, fn);
  goQueue = next.catch(() => undefined);
  return next;
}

interface GoBuild {
  name: string;
  module: string;
  version: string;
  /** Binary name -> package to build it from. */
  binaries: Record<string, string>;
  tags?: string[];
  /** Edits of go.mod before building (see the Consul entry). */
  prepare?: (src: string, log: string) => Promise<void>;
  env?: NodeJS.ProcessEnv;
}

const GO_ENV: NodeJS.ProcessEnv = {
  // These modules carry exclude/replace lines, so `go install mod@version` refuses them;
  // built as the main module from a writable copy they are honoured (or edited away).
  GOFLAGS: '-mod=mod',
  GOWORK: 'off',
  CGO_ENABLED: '0',
};

async function goBuild(
  cfg: StackConfig,
  progress: Progress,
  b: GoBuild,
  outDir: string,
): Promise<void> {
  const log = join(cfg.logsDir, `build-${b.name}.log`);
  rmSync(log, { force: true });
  await serialized(() =>
    withCacheLock(outDir, progress, b.name, () => buildUnlocked(cfg, progress, b, outDir, log)),
  );
}

async function buildUnlocked(
  cfg: StackConfig,
  progress: Progress,
  b: GoBuild,
  outDir: string,
  log: string,
): Promise<void> {
  // another process may have built it while this one waited for the lock
  if (Object.keys(b.binaries).every((bin) => existsSync(join(outDir, bin)))) return;
  const done = progress.longTask(
    b.name,
    `building ${b.name} ${b.version} from its Go module (first run only, several minutes)`,
  );
  try {
    const env = { ...GO_ENV, ...b.env };
    const info = JSON.parse(
      await run('go', ['mod', 'download', '-json', `${b.module}@${b.version}`], log, {
        env,
        capture: true,
      }),
    ) as {
      Dir?: string;
      Error?: string;
    };
    if (!info.Dir)
      throw new Error(`go mod download ${b.module}@${b.version}: ${info.Error ?? 'no Dir'}`);
    const src = join(cfg.cacheDir, 'src', `${b.name}-${b.version}`);
    rmSync(src, { recursive: true, force: true });
    cpSync(info.Dir, src, { recursive: true });
    chmodTree(src);
    await b.prepare?.(src, log);
    const tmp = `${outDir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    for (const [bin, pkg] of Object.entries(b.binaries)) {
      const tags = b.tags ? [`-tags=${b.tags.join(',')}`] : [];
      await run(
        'go',
        ['build', '-trimpath', ...tags, '-ldflags=-s -w', '-o', join(tmp, bin), pkg],
        log,
        {
          cwd: src,
          env,
        },
      );
    }
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
    rmSync(src, { recursive: true, force: true });
  } catch (err) {
    throw new Error(`${(err as Error).message} (build log: ${log})`);
  } finally {
    done();
  }
}

/** Checkouts and test runners share the cache: one builder per artifact at a time. */
function withCacheLock(
  outDir: string,
  progress: Progress,
  name: string,
  fn: () => Promise<void>,
): Promise<void> {
  mkdirSync(dirname(outDir), { recursive: true });
  return withLock(
    `${outDir}.lock`,
    (pid) => progress.line(name, `waiting for pid ${pid}, which is building it`),
    fn,
  );
}

/** The module cache is read-only; the copy must be writable for go.mod/go.sum edits. */
function chmodTree(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(p);
    else if (entry.isFile()) chmodSync(p, 0o644);
  }
}

export async function ensureConsul(cfg: StackConfig, progress: Progress): Promise<string> {
  const outDir = join(cfg.cacheDir, `consul-${CONSUL_VERSION}`);
  if (!existsSync(join(outDir, 'consul'))) {
    // Consul's go.mod points five of its own nested modules at local folders that its module
    // zip leaves out; the same versions are published as modules, so the replaces are dropped.
    const nested = ['api', 'envoyextensions', 'proto-public', 'sdk', 'troubleshoot'];
    await goBuild(
      cfg,
      progress,
      {
        name: 'consul',
        module: 'github.com/hashicorp/consul',
        version: `v${CONSUL_VERSION}`,
        binaries: { consul: '.' },
        // Those nested module versions are on the module proxy but not in the checksum DB.
        env: { GONOSUMDB: 'github.com/hashicorp/consul' },
        prepare: async (src, log) => {
          const drops = nested.map((m) => `-dropreplace=github.com/hashicorp/consul/${m}`);
          await run('go', ['mod', 'edit', ...drops], log, { cwd: src });
        },
      },
      outDir,
    );
  }
  return join(outDir, 'consul');
}

export async function ensurePrometheus(
  cfg: StackConfig,
  progress: Progress,
): Promise<{ prometheus: string; promtool: string }> {
  const outDir = join(cfg.cacheDir, `prometheus-${PROMETHEUS_VERSION}`);
  if (!existsSync(join(outDir, 'promtool'))) {
    // Without the `builtinassets` tag there is no embedded web UI; the HTTP API is complete.
    await goBuild(
      cfg,
      progress,
      {
        name: 'prometheus',
        module: 'github.com/prometheus/prometheus',
        version: PROMETHEUS_MODULE_VERSION,
        binaries: { prometheus: './cmd/prometheus', promtool: './cmd/promtool' },
        // only the Consul service discovery the stack uses: the cloud SDKs of the others
        // make up most of a full build's time
        tags: ['remove_all_sd', 'enable_consul_sd'],
      },
      outDir,
    );
  }
  return { prometheus: join(outDir, 'prometheus'), promtool: join(outDir, 'promtool') };
}

export async function ensureFerretDB(cfg: StackConfig, progress: Progress): Promise<string> {
  const outDir = join(cfg.cacheDir, `ferretdb-${FERRETDB_VERSION}`);
  if (!existsSync(join(outDir, 'ferretdb'))) {
    // `go install ...@v1.24.2` fails here (the proxy refuses the module's version list, which
    // go install reads for deprecation notices), so it is built like the others.
    await goBuild(
      cfg,
      progress,
      {
        name: 'ferretdb',
        module: 'github.com/FerretDB/FerretDB',
        version: `v${FERRETDB_VERSION}`,
        binaries: { ferretdb: './cmd/ferretdb' },
        // a build as the main module panics at start without the file its release tooling writes
        prepare: async (src) => {
          writeFileSync(join(src, 'build', 'version', 'version.txt'), `v${FERRETDB_VERSION}\n`);
        },
      },
      outDir,
    );
  }
  return join(outDir, 'ferretdb');
}

function kafkaPom(): string {
  const major = Number(KAFKA_VERSION.split('.')[0]) >= 4 ? 4 : 3;
  const deps = [
    { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: KAFKA_VERSION },
    ...KAFKA_LOGGING[major],
  ]
    .map(
      (d) =>
        `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.devstack</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${MAVEN_DEPENDENCY_PLUGIN_VERSION}</version>
        <executions>
          <execution>
            <id>copy-runtime</id>
            <phase>package</phase>
            <goals><goal>copy-dependencies</goal></goals>
            <configuration>
              <outputDirectory>\${libsDir}</outputDirectory>
              <includeScope>runtime</includeScope>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
`;
}

/** Resolves the broker jar, its runtime dependencies and a logging backend into one folder. */
export async function ensureKafka(cfg: StackConfig, progress: Progress): Promise<string> {
  const outDir = join(cfg.cacheDir, `kafka-${KAFKA_VERSION}`);
  const libs = join(outDir, 'libs');
  if (existsSync(libs)) return libs;
  const log = join(cfg.logsDir, 'build-kafka.log');
  rmSync(log, { force: true });
  await withCacheLock(libs, progress, 'kafka', () => resolveKafka(outDir, libs, progress, log));
  return libs;
}

async function resolveKafka(outDir: string, libs: string, progress: Progress, log: string) {
  if (existsSync(libs)) return;
  const done = progress.longTask(
    'kafka',
    `resolving Kafka ${KAFKA_VERSION} jars with Maven (first run only)`,
  );
  try {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'pom.xml'), kafkaPom());
    const tmp = `${libs}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    await run(
      'mvn',
      ['-B', '-q', '-f', join(outDir, 'pom.xml'), 'package', `-DlibsDir=${tmp}`],
      log,
    );
    renameSync(tmp, libs);
    rmSync(join(outDir, 'target'), { recursive: true, force: true });
  } catch (err) {
    throw new Error(`${(err as Error).message} (build log: ${log})`);
  } finally {
    done();
  }
}
