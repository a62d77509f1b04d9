import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Page, OptionalNotNull, Text, SlugList } from '@lib/platform';

const Title = () => Text(200);
const PostBody = () => Text(50_000);
const CommentBody = () => Text(5_000);
const Tags = () => SlugList(10, 30);

export class CreatePostRequest {
  @ApiProperty({ example: 'What I read this week' })
  @Title()
  title!: string;

  @ApiProperty()
  @PostBody()
  body!: string;

  @ApiPropertyOptional({ example: ['reviews'] })
  @OptionalNotNull()
  @Tags()
  tags?: string[];
}

export class UpdatePostRequest {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Title()
  title?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @PostBody()
  body?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Tags()
  tags?: string[];
}

export class CommentRequest {
  @ApiProperty()
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
