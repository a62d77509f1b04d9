export interface ArticlePublishedV1 {
  articleId: string;
  title: string;
  category: string;
  authorId: string;
  publishedAt: string;
}
