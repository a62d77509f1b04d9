import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const SERIES_STATUSES = ['ongoing', 'completed', 'hiatus'] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

const GENRE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true };

export class CreateSeriesRequest {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @Length(1, 200)
  title!: string;

  @ApiProperty({
    type: [String],
    example: ['fantasy', 'action'],
    description: '1-5 lowercase slugs',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @Matches(GENRE, { each: true, message: 'each genre must be a lowercase slug (a-z, 0-9, -)' })
  genres!: string[];

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  synopsis?: string;

  @ApiPropertyOptional({ enum: SERIES_STATUSES, default: 'ongoing' })
  @IsOptional()
  @IsIn(SERIES_STATUSES)
  status?: SeriesStatus;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/series/1/thumb.jpg' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  thumbnailUrl?: string;
}

export class UpdateSeriesRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @Matches(GENRE, { each: true, message: 'each genre must be a lowercase slug (a-z, 0-9, -)' })
  genres?: string[];

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  synopsis?: string;

  @ApiPropertyOptional({ enum: SERIES_STATUSES })
  @IsOptional()
  @IsIn(SERIES_STATUSES)
  status?: SeriesStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  thumbnailUrl?: string;
}

export class SeriesListQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  page = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit = 20;

  @ApiPropertyOptional({ description: 'Only series with this genre' })
  @IsOptional()
  @IsString()
  @Matches(GENRE, { message: 'genre must be a lowercase slug' })
  genre?: string;

  @ApiPropertyOptional({ description: 'Words in the title (case-insensitive)', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}

export class SeriesDto {
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

export class SeriesPageDto {
  @ApiProperty({ type: [SeriesDto] }) items!: SeriesDto[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}
