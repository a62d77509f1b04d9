import type { ObjectId } from 'mongodb';

export const ARTICLES = 'articles';

export const ARTICLE_STATUSES = ['draft', 'published'] as const;
/** `deleted` articles stay as tombstones (see ArticlesRepository.markDeleted) and are never served. */
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number] | 'deleted';

/** The category of the articles the service writes itself for new webtoon episodes. */
export const WEBTOON_CATEGORY = 'webtoon';
/** Author id of articles no editor wrote. */
export const SYSTEM_AUTHOR = 'system';

/** What an automatic article was written for, so its id can be derived from it. */
export interface ArticleOrigin {
  kind: 'webtoon-episode';
  webtoonId: string;
  episodeId: string;
  episodeNo: number;
}

/** An article as stored in the `articles` collection. */
export interface ArticleDocument {
  _id: ObjectId;
  title: string;
  body: string;
  category: string;
  tags: string[];
  authorId: string;
  status: ArticleStatus;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt?: Date;
  origin?: ArticleOrigin;
}
