import type { AuthorDocument } from './authors.document';
import type { AuthorsRepository } from './authors.repository';
import { AuthorsService } from './authors.service';

function serviceWith(authors: AuthorDocument[]) {
  const repository = {
    findMany: jest.fn(async (ids: string[]) => authors.filter((a) => ids.includes(a._id))),
    findOne: jest.fn(async (id: string) => authors.find((a) => a._id === id) ?? null),
  };
  return {
    repository,
    service: new AuthorsService(repository as unknown as AuthorsRepository),
  };
}

describe('AuthorsService', () => {
  const known: AuthorDocument = { _id: 'u1', displayName: 'Mina' };
  const gone: AuthorDocument = { _id: 'u2', deleted: true, deletedAt: new Date() };

  it('resolves a batch of authors with one lookup of the distinct ids', async () => {
    const { service, repository } = serviceWith([known, gone]);
    const authorOf = await service.viewsOf(['u1', 'u1', 'u2', 'u3', null]);
    expect(repository.findMany).toHaveBeenCalledTimes(1);
    expect(repository.findMany).toHaveBeenCalledWith(['u1', 'u2', 'u3']);
    expect(authorOf('u1')).toEqual({ id: 'u1', displayName: 'Mina' });
    // A tombstone and anonymised content look the same: no link, no name.
    expect(authorOf('u2')).toEqual({ id: null, displayName: 'deleted user' });
    expect(authorOf(null)).toEqual({ id: null, displayName: 'deleted user' });
    // Registration not seen yet: the id stays, the name is a placeholder.
    expect(authorOf('u3')).toEqual({ id: 'u3', displayName: 'unknown user' });
  });

  it('does not query when there is nobody to resolve', async () => {
    const { service, repository } = serviceWith([]);
    const authorOf = await service.viewsOf([null]);
    expect(repository.findMany).not.toHaveBeenCalled();
    expect(authorOf(null).displayName).toBe('deleted user');
  });

  it('refuses new content from a deleted account and accepts it from others', async () => {
    const { service } = serviceWith([known, gone]);
    await expect(service.assertCanWrite('u2')).rejects.toMatchObject({
      code: 'BLOG.AUTHOR_DELETED',
      status: 403,
    });
    await expect(service.assertCanWrite('u1')).resolves.toBeUndefined();
    await expect(service.assertCanWrite('unknown')).resolves.toBeUndefined();
  });
});
