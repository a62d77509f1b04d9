export interface PostPublishedV1 {
  postId: string;
  authorId: string;
  title: string;
  publishedAt: string;
}
