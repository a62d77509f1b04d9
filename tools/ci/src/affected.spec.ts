import { APPS } from '@tools/images';
import { affectedApps } from './affected';

describe('affectedApps', () => {
  it('rebuilds only the app whose code changed', () => {
    expect(
      affectedApps(['apps/webtoon/src/series/series.service.ts', 'docs/webtoon.md']),
    ).toMatchObject({
      apps: ['webtoon'],
      deploy: true,
    });
  });

  it('rebuilds every app for a shared library, the Dockerfile, the lockfile or the image builder', () => {
    for (const file of [
      'libs/platform/src/health/health.module.ts',
      'libs/contracts/src/events.ts',
      'Dockerfile',
      'package-lock.json',
      'tsconfig.base.json',
      'tools/images/src/build.ts',
    ])
      expect(affectedApps([file])).toMatchObject({ apps: [...APPS], deploy: true });
  });

  it('deploys a manifest-only change without rebuilding images', () => {
    expect(affectedApps(['k8s/base/webtoon.yaml'])).toEqual({
      apps: [],
      deploy: true,
      reasons: ['k8s/base/webtoon.yaml: manifests, deploy'],
    });
  });

  it('ignores docs, tests-only libraries and tools', () => {
    expect(
      affectedApps([
        'README.md',
        'libs/platform/src/testing/index.ts',
        'libs/platform/src/http/id-param.spec.ts',
        'libs/platform/test/events.int-spec.ts',
        'tools/load/src/cli.ts',
        'Jenkinsfile',
      ]),
    ).toEqual({ apps: [], deploy: false, reasons: [] });
  });

  it('takes every app when there is no deployed commit to compare with', () => {
    expect(affectedApps(null)).toMatchObject({ apps: [...APPS], deploy: true });
  });
});
