import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerdName, dockerArchive, tar } from './image';

describe('devcluster images', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'devcluster-image-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes tar archives that GNU tar extracts with contents and modes intact', () => {
    const file = join(dir, 'a.tar');
    writeFileSync(
      file,
      tar([
        { path: 'bin', mode: 0o755 },
        { path: 'bin/hello', content: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
        { path: 'etc/x', content: Buffer.alloc(1000, 7), mode: 0o600 },
      ]),
    );
    execFileSync('tar', ['-xf', file, '-C', dir]);
    expect(readFileSync(join(dir, 'bin/hello'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(readFileSync(join(dir, 'etc/x'))).toEqual(Buffer.alloc(1000, 7));
    expect(
      execFileSync('stat', ['-c', '%a', join(dir, 'bin/hello')])
        .toString()
        .trim(),
    ).toBe('755');
  });

  it('makes a docker-save archive whose manifest names the image and its one layer', () => {
    const file = join(dir, 'img.tar');
    writeFileSync(
      file,
      dockerArchive({
        ref: 'localhost/devcluster/x:1',
        files: [{ path: '/x', content: Buffer.from('bin'), mode: 0o755 }],
        entrypoint: ['/x'],
      }),
    );
    execFileSync('tar', ['-xf', file, '-C', dir]);
    const [m] = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.RepoTags).toEqual(['localhost/devcluster/x:1']);
    const config = JSON.parse(readFileSync(join(dir, m.Config), 'utf8'));
    expect(config.config.Entrypoint).toEqual(['/x']);
    const layer = join(dir, m.Layers[0]);
    const digest = execFileSync('sha256sum', [layer]).toString().split(' ')[0];
    expect(config.rootfs.diff_ids).toEqual([`sha256:${digest}`]);
    expect(execFileSync('tar', ['-tf', layer]).toString()).toBe('x\n');
  });

  it('names images the way containerd normalises references', () => {
    expect(containerdName('localhost/pause:1')).toBe('localhost/pause:1');
    expect(containerdName('microservices-platform/gateway:dev')).toBe(
      'docker.io/microservices-platform/gateway:dev',
    );
    expect(containerdName('busybox')).toBe('docker.io/library/busybox:latest');
    expect(containerdName('registry.local:5000/a/b')).toBe('registry.local:5000/a/b:latest');
  });
});
