import { pinAppImages } from './deploy';

describe('pinAppImages', () => {
  it("points the six apps' and the load generator's :dev references at this build's tag and leaves the rest", () => {
    const rendered = [
      '        image: microservices-platform/webtoon:dev',
      '        image: microservices-platform/gateway:dev',
      '        image: microservices-platform/kafka:3.9.1',
      '        image: microservices-platform/webtoon:devel',
      '        image: microservices-platform/load:dev',
      '',
    ].join('\n');
    expect(pinAppImages(rendered, 'abc123')).toBe(
      [
        '        image: microservices-platform/webtoon:abc123',
        '        image: microservices-platform/gateway:abc123',
        '        image: microservices-platform/kafka:3.9.1',
        '        image: microservices-platform/webtoon:devel',
        '        image: microservices-platform/load:abc123',
        '',
      ].join('\n'),
    );
  });
});
