import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { ARTICLE_STATUSES, type ArticleStatus } from './articles.document';
import { Page, PageQuery, OptionalNotNull, OneOf, Text, SlugList, Slug } from '@lib/platform';

const Title = () => Text(200);
const Body = () => Text(50_000);
const Category = () => Slug(40);
const Tags = () => SlugList(10, 30);

export class CreateArticleRequest {
  @ApiProperty({ example: 'Season two starts in March' })
  @Title()
  title!: string;

  @ApiProperty()
  @Body()
  body!: string;

  @ApiProperty({ example: 'announcements' })
  @Category()
  category!: string;

  @ApiPropertyOptional({ example: ['romance'] })
  @OptionalNotNull()
  @Tags()
  tags?: string[];

  @ApiPropertyOptional({ description: 'Publish at once instead of saving a draft', default: false })
  @OptionalNotNull()
  @IsBoolean()
  publish?: boolean;
}

/** Any subset of the fields; publishing has its own route so it cannot happen by accident. */
export class UpdateArticleRequest {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Title()
  title?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Body()
  body?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Category()
  category?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Tags()
  tags?: string[];
}

export class ListArticlesQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Category()
  category?: string;

  @ApiPropertyOptional({
    default: 'published',
    description: '`draft` needs the editor or admin role',
  })
  @IsOptional()
  @OneOf(ARTICLE_STATUSES)
  status: (typeof ARTICLE_STATUSES)[number] = 'published';
}

export class ArticleResponse {
  @ApiProperty({ example: '6650f0c2a1b2c3d4e5f60718' })
  id!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty()
  body!: string;
  @ApiProperty()
  category!: string;
  @ApiProperty({ type: [String] })
  tags!: string[];
  @ApiProperty({ description: 'User id of the editor, or `system` for automatic articles' })
  authorId!: string;
  @ApiProperty({ enum: ARTICLE_STATUSES })
  status!: ArticleStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  publishedAt!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ArticlePageResponse implements Page<ArticleResponse> {
  @ApiProperty({ type: [ArticleResponse] })
  items!: ArticleResponse[];
  @ApiProperty()
  page!: number;
  @ApiProperty()
  limit!: number;
  @ApiProperty({ description: 'Matching articles on all pages' })
  total!: number;
}
