import { pushedDigest } from './images';

describe('pushedDigest', () => {
  it('reads the manifest digest from the last line docker push prints', () => {
    const digest = `sha256:${'0f'.repeat(32)}`;
    const output = [
      'The push refers to repository [127.0.0.1:5000/microservices-platform/webtoon]',
      '5f70bf18a086: Layer already exists',
      `ci-b-1a2b3c: digest: ${digest} size: 2411`,
    ].join('\n');
    expect(pushedDigest(output)).toBe(digest);
    expect(pushedDigest('5f70bf18a086: Pushed')).toBeUndefined();
  });
});
