import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Page } from '@lib/platform';

/** Lower-case slugs: matched exactly, never as patterns. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MESSAGE = '$property must be a lower-case slug (a-z, 0-9 and single dashes)';

/**
 * Optional, but present means valid: unlike @IsOptional it does not let `null` through, so
 * `{"title": null}` is a 400 instead of a title erased.
 */
const Absent = () => ValidateIf((_object, value) => value !== undefined);

const Title = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(200));
const PostBody = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(50_000));
const CommentBody = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(5_000));
const Tags = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(10),
    IsString({ each: true }),
    MaxLength(30, { each: true }),
    Matches(SLUG, { each: true, message: SLUG_MESSAGE }),
  );

export class CreatePostDto {
  @ApiProperty({ maxLength: 200, example: 'What I read this week' })
  @Title()
  title!: string;

  @ApiProperty({ maxLength: 50_000 })
  @PostBody()
  body!: string;

  @ApiPropertyOptional({ type: [String], maxItems: 10, example: ['reviews'] })
  @Absent()
  @Tags()
  tags?: string[];
}

export class UpdatePostDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @Absent()
  @Title()
  title?: string;

  @ApiPropertyOptional({ maxLength: 50_000 })
  @Absent()
  @PostBody()
  body?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 10 })
  @Absent()
  @Tags()
  tags?: string[];
}

export class CommentBodyDto {
  @ApiProperty({ maxLength: 5_000 })
  @CommentBody()
  body!: string;
}

export class AuthorResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null once the author deleted their account',
  })
  id!: string | null;
  @ApiProperty({ example: 'Mina', description: '"deleted user" for a deleted account' })
  displayName!: string;
}

export class CommentResponse {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  postId!: string;
  @ApiProperty()
  body!: string;
  @ApiProperty({ type: AuthorResponse })
  author!: AuthorResponse;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class PostResponse {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty()
  body!: string;
  @ApiProperty({ type: [String] })
  tags!: string[];
  @ApiProperty({ type: AuthorResponse })
  author!: AuthorResponse;
  @ApiProperty({ format: 'date-time' })
  publishedAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class PostDetailResponse extends PostResponse {
  @ApiProperty({ type: [CommentResponse], description: 'The first comments, oldest first' })
  comments!: CommentResponse[];
  @ApiProperty({ description: 'All comments; page through GET …/comments for the rest' })
  commentsTotal!: number;
}

export class PostPageResponse implements Page<PostResponse> {
  @ApiProperty({ type: [PostResponse] })
  items!: PostResponse[];
  @ApiProperty()
  page!: number;
  @ApiProperty()
  limit!: number;
  @ApiProperty()
  total!: number;
}

export class CommentPageResponse implements Page<CommentResponse> {
  @ApiProperty({ type: [CommentResponse] })
  items!: CommentResponse[];
  @ApiProperty()
  page!: number;
  @ApiProperty()
  limit!: number;
  @ApiProperty()
  total!: number;
}
