import { commentProblems, postProblems } from './blog-forms';

describe('blog forms', () => {
  it('asks for a title and a body within the blog limits', () => {
    expect(postProblems(' ', '')).toEqual([
      'Give the post a title.',
      'Write something in the post.',
    ]);
    expect(postProblems('x'.repeat(201), 'fine')).toEqual([
      'The title can have at most 200 characters.',
    ]);
    expect(postProblems('A title', 'y'.repeat(50_001))).toEqual([
      'The post can have at most 50 000 characters.',
    ]);
    expect(postProblems('A title', 'A body')).toEqual([]);
  });

  it('asks for a comment of up to 5 000 characters', () => {
    expect(commentProblems('  ')).toEqual(['Write something in the comment.']);
    expect(commentProblems('z'.repeat(5_001))).toEqual([
      'A comment can have at most 5 000 characters.',
    ]);
    expect(commentProblems('Great episode')).toEqual([]);
  });
});
