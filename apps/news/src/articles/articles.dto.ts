import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { ARTICLE_STATUSES, type ArticleStatus } from './articles.entity';
import { Page, PageQueryDto } from '@lib/platform';

/** Lower-case slugs: they appear in URLs and are matched exactly, never as patterns. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MESSAGE = '$property must be a lower-case slug (a-z, 0-9 and single dashes)';

/**
 * Optional, but present means valid: unlike @IsOptional it does not let `null` through, so
 * `{"title": null}` is a 400 instead of a title erased.
 */
const Absent = () => ValidateIf((_object, value) => value !== undefined);

const Title = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(200));
const Body = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(50_000));
const Category = () =>
  applyDecorators(IsString(), MaxLength(40), Matches(SLUG, { message: SLUG_MESSAGE }));
const Tags = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(10),
    IsString({ each: true }),
    MaxLength(30, { each: true }),
    Matches(SLUG, { each: true, message: SLUG_MESSAGE }),
  );

export class CreateArticleDto {
  @ApiProperty({ maxLength: 200, example: 'Season two starts in March' })
  @Title()
  title!: string;

  @ApiProperty({ maxLength: 50_000 })
  @Body()
  body!: string;

  @ApiProperty({ maxLength: 40, pattern: SLUG.source, example: 'announcements' })
  @Category()
  category!: string;

  @ApiPropertyOptional({ type: [String], maxItems: 10, example: ['romance'] })
  @Absent()
  @Tags()
  tags?: string[];

  @ApiPropertyOptional({ description: 'Publish at once instead of saving a draft', default: false })
  @Absent()
  @IsBoolean()
  publish?: boolean;
}

/** Any subset of the fields; publishing has its own route so it cannot happen by accident. */
export class UpdateArticleDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @Absent()
  @Title()
  title?: string;

  @ApiPropertyOptional({ maxLength: 50_000 })
  @Absent()
  @Body()
  body?: string;

  @ApiPropertyOptional({ maxLength: 40, pattern: SLUG.source })
  @Absent()
  @Category()
  category?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 10 })
  @Absent()
  @Tags()
  tags?: string[];
}

export class ListArticlesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ pattern: SLUG.source })
  @IsOptional()
  @Category()
  category?: string;

  @ApiPropertyOptional({
    enum: ARTICLE_STATUSES,
    default: 'published',
    description: '`draft` needs the editor or admin role',
  })
  @IsOptional()
  @IsIn(ARTICLE_STATUSES)
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
