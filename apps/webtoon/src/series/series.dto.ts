import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsOptional } from 'class-validator';
import {
  HttpUrl,
  IntRange,
  OneOf,
  OptionalNotNull,
  Pattern,
  PatternList,
  StringLength,
} from '@lib/platform';

export const SERIES_STATUSES = ['ongoing', 'completed', 'hiatus'] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

const GENRE = /^[a-z0-9][a-z0-9-]{0,31}$/;

export class CreateSeriesRequest {
  @ApiProperty({ description: 'Trimmed; not blank', pattern: '\\S' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @StringLength(1, 200)
  title!: string;

  @ApiProperty({
    type: [String],
    example: ['fantasy', 'action'],
    description: '1-5 lowercase slugs',
  })
  @PatternList(1, 5, GENRE, 'each genre must be a lowercase slug (a-z, 0-9, -)')
  genres!: string[];

  @ApiPropertyOptional()
  @OptionalNotNull()
  @StringLength(0, 2000)
  synopsis?: string;

  @ApiPropertyOptional({ default: 'ongoing' })
  @OptionalNotNull()
  @OneOf(SERIES_STATUSES)
  status?: SeriesStatus;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/series/1/thumb.jpg' })
  @OptionalNotNull()
  @HttpUrl(2048)
  thumbnailUrl?: string;
}

export class UpdateSeriesRequest {
  @ApiPropertyOptional({ description: 'Trimmed; not blank', pattern: '\\S' })
  @OptionalNotNull()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @StringLength(1, 200)
  title?: string;

  @ApiPropertyOptional({ type: [String] })
  @OptionalNotNull()
  @PatternList(1, 5, GENRE, 'each genre must be a lowercase slug (a-z, 0-9, -)')
  genres?: string[];

  @ApiPropertyOptional()
  @OptionalNotNull()
  @StringLength(0, 2000)
  synopsis?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @OneOf(SERIES_STATUSES)
  status?: SeriesStatus;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @HttpUrl(2048)
  thumbnailUrl?: string;
}

export class ListSeriesQuery {
  @ApiPropertyOptional({ default: 1 })
  @Type(() => Number)
  @IntRange(1, 500)
  page = 1;

  @ApiPropertyOptional({ default: 20 })
  @Type(() => Number)
  @IntRange(1, 50)
  limit = 20;

  @ApiPropertyOptional({ description: 'Only series with this genre' })
  @IsOptional()
  @Pattern(GENRE, 'genre must be a lowercase slug')
  genre?: string;

  @ApiPropertyOptional({ description: 'Words in the title (case-insensitive)' })
  @IsOptional()
  @StringLength(1, 100)
  q?: string;
}

export class SeriesResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) genres!: string[];
  @ApiProperty() synopsis!: string;
  @ApiProperty({ enum: SERIES_STATUSES }) status!: SeriesStatus;
  @ApiProperty({ nullable: true, type: String }) thumbnailUrl!: string | null;
  @ApiProperty({ description: 'All-time views (flushed every few seconds)' }) viewCount!: number;
  @ApiProperty() episodeCount!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class SeriesPageResponse {
  @ApiProperty({ type: [SeriesResponse] }) items!: SeriesResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}
