import { z } from 'zod';
import { id, instant } from './schema-parts';

export interface PostPublishedV1 {
  postId: string;
  authorId: string;
  title: string;
  publishedAt: string;
}

export const postPublishedV1Schema = z.object({
  postId: id,
  authorId: id,
  title: z.string(),
  publishedAt: instant,
}) satisfies z.ZodType<PostPublishedV1>;
