import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { HttpUrl, HTTP_URL_PATTERN, OptionalNotNull, Slug, SlugList, Text } from './validation';

class Edit {
  @OptionalNotNull()
  @Text(5)
  title?: string;

  @OptionalNotNull()
  @Slug(10)
  category?: string;

  @OptionalNotNull()
  @SlugList(2, 6)
  tags?: string[];
}

class Link {
  @HttpUrl(2048)
  url!: string;
}

const problems = async (body: object) =>
  (await validate(plainToInstance(Edit, body))).flatMap((error) =>
    Object.values(error.constraints ?? {}),
  );

describe('shared validators', () => {
  it('accept an absent field but refuse null', async () => {
    expect(await problems({})).toEqual([]);
    expect(await problems({ title: null })).toContain('title must be a string');
  });

  it('bound text and refuse the empty string', async () => {
    expect(await problems({ title: 'abcde' })).toEqual([]);
    expect(await problems({ title: '' })).toContain('title should not be empty');
    expect(await problems({ title: 'abcdef' })).toContain(
      'title must be shorter than or equal to 5 characters',
    );
  });

  it('take lower-case slugs only, singly or as a bounded list', async () => {
    expect(await problems({ category: 'a-b1', tags: ['x', 'y-z'] })).toEqual([]);
    const slugMessage = (name: string) =>
      `${name} must be a lower-case slug (a-z, 0-9 and single dashes)`;
    expect(await problems({ category: 'A b' })).toContain(slugMessage('category'));
    expect(await problems({ tags: ['ok', 'not--ok'] })).toContain(slugMessage('tags'));
    expect(await problems({ tags: ['a', 'b', 'c'] })).toContain(
      'tags must contain no more than 2 elements',
    );
  });

  // The OpenAPI pattern and the check must agree, or the contract test finds a URL one takes
  // and the other refuses (a generated `http://a.example:0` did).
  it.each([
    'https://cdn.example.com/p.jpg',
    'http://a.example:0',
    'http://a.example:00/x',
    'http://a.example:1',
    'http://a.example:0080',
    'http://a.example:9999',
    'http://a.example:10000',
    'http://a.example:65535',
    'http://a.example:65536',
    'http://a.example:99999',
    'ftp://a.example/x',
    'http://localhost/x',
  ])('agrees with the OpenAPI pattern on %s', async (url) => {
    const accepted = (await validate(plainToInstance(Link, { url }))).length === 0;
    expect(new RegExp(HTTP_URL_PATTERN).test(url)).toBe(accepted);
  });
});
