import { mergeOpenApi } from './openapi-merge';

describe('mergeOpenApi', () => {
  const page = { type: 'object', properties: { total: { type: 'number' } } };
  const listOf = (schema: string) => ({
    get: {
      responses: {
        200: {
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
        },
      },
    },
  });

  const merged = mergeOpenApi(
    [
      {
        service: 'news',
        prefixes: ['/api/news'],
        document: {
          paths: {
            '/api/news': listOf('PageResponse'),
            '/api/payments/wallet': listOf('PageResponse'),
          },
          components: { schemas: { PageResponse: page } },
          tags: [{ name: 'news' }],
        },
      },
      {
        service: 'blog',
        prefixes: ['/api/blog'],
        document: {
          paths: { '/api/blog/posts': listOf('PageResponse') },
          components: { schemas: { PageResponse: { ...page, title: 'blog page' } } },
        },
      },
    ],
    ['payment'],
    '1.2.3',
  );

  it('keeps same-named schemas of different services apart and rewrites the references', () => {
    expect(Object.keys(merged.components?.schemas ?? {})).toEqual([
      'news.PageResponse',
      'blog.PageResponse',
    ]);
    expect(JSON.stringify(merged.paths?.['/api/blog/posts'])).toContain(
      '#/components/schemas/blog.PageResponse',
    );
    expect(JSON.stringify(merged.paths?.['/api/news'])).toContain(
      '#/components/schemas/news.PageResponse',
    );
  });

  it("drops paths outside a service's own prefixes", () => {
    expect(Object.keys(merged.paths ?? {})).toEqual(['/api/news', '/api/blog/posts']);
  });

  it('names the services whose documents could not be fetched', () => {
    expect(merged.info).toMatchObject({ version: '1.2.3' });
    expect(String(merged.info?.description)).toContain('Not available right now: payment.');
    expect(merged.tags).toEqual([{ name: 'news' }]);
  });
});
