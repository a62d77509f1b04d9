import { z } from 'zod';
import { id, instant } from './schema-parts';

export interface ArticlePublishedV1 {
  articleId: string;
  title: string;
  category: string;
  authorId: string;
  publishedAt: string;
}

export const articlePublishedV1Schema = z.object({
  articleId: id,
  title: z.string(),
  category: z.string(),
  authorId: id,
  publishedAt: instant,
}) satisfies z.ZodType<ArticlePublishedV1>;
