import { createHash } from 'node:crypto';

export interface TarEntry {
  path: string;
  /** Omitted: a directory. */
  content?: Buffer;
  mode: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: TarEntry): Buffer {
  const h = Buffer.alloc(512);
  const isDir = entry.content === undefined;
  const name = isDir && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar path too long: ${name}`);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(entry.mode, 8), 100);
  h.write(octal(0, 8), 108); // uid
  h.write(octal(0, 8), 116); // gid
  h.write(octal(entry.content?.length ?? 0, 12), 124);
  h.write(octal(0, 12), 136); // mtime: fixed, so the same files give the same digest
  h.write('        ', 148); // checksum field counts as spaces while summing
  h.write(isDir ? '5' : '0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

/** A POSIX ustar archive (enough for image layers and docker-archive files). */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.content) {
      parts.push(e.content);
      const pad = (512 - (e.content.length % 512)) % 512;
      parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface ImageSpec {
  /** Full reference with a host part, e.g. localhost/devcluster/pause:1 */
  ref: string;
  files: { path: string; content: Buffer; mode: number }[];
  entrypoint: string[];
  cmd?: string[];
  user?: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A single-layer image FROM scratch as a `docker save` archive, which `ctr images import`
 * reads with its RepoTags as the image name: no Docker engine needed.
 */
export function dockerArchive(spec: ImageSpec): Buffer {
  const layer = tar(spec.files.map((f) => ({ ...f, path: f.path.replace(/^\//, '') })));
  const diffId = sha256(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '1970-01-01T00:00:00Z',
      config: {
        Entrypoint: spec.entrypoint,
        ...(spec.cmd ? { Cmd: spec.cmd } : {}),
        ...(spec.user ? { User: spec.user } : {}),
        Env: ['PATH=/'],
      },
      rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
    }),
  );
  const configName = `${sha256(config)}.json`;
  const manifest = Buffer.from(
    JSON.stringify([{ Config: configName, RepoTags: [spec.ref], Layers: [`${diffId}/layer.tar`] }]),
  );
  return tar([
    { path: diffId, mode: 0o755 },
    { path: `${diffId}/layer.tar`, content: layer, mode: 0o644 },
    { path: configName, content: config, mode: 0o644 },
    { path: 'manifest.json', content: manifest, mode: 0o644 },
  ]);
}

/**
 * How containerd names an image reference: Docker's normalisation, so `name:tag` and
 * `org/name:tag` land under docker.io, and a first part with a dot or colon, or
 * `localhost`, is a registry host kept as it is.
 */
export function containerdName(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  const hasHost =
    first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasHost ? ref : slash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) name += ':latest';
  return name;
}
