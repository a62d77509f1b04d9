/** The blog's own limits (its OpenAPI): checked here first, the server's messages after. */
export function postProblems(title: string, body: string): string[] {
  const problems: string[] = [];
  if (title.trim().length === 0) problems.push('Give the post a title.');
  else if (title.length > 200) problems.push('The title can have at most 200 characters.');
  if (body.trim().length === 0) problems.push('Write something in the post.');
  else if (body.length > 50_000) problems.push('The post can have at most 50 000 characters.');
  return problems;
}

export function commentProblems(body: string): string[] {
  if (body.trim().length === 0) return ['Write something in the comment.'];
  if (body.length > 5_000) return ['A comment can have at most 5 000 characters.'];
  return [];
}
