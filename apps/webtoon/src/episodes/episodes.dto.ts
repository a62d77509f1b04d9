import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class CreateEpisodeRequest {
  @ApiPropertyOptional({ description: 'Defaults to the next number', minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  no?: number;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @Length(1, 200)
  title!: string;

  @ApiProperty({ type: [String], description: 'The episode pages, in order (1-200)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { each: true })
  @MaxLength(2048, { each: true })
  imageUrls!: string[];

  @ApiPropertyOptional({ description: '0 = free', minimum: 0, maximum: 10000, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  priceCoins?: number;
}

export class EpisodeSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() no!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ description: '0 = free' }) priceCoins!: number;
  @ApiProperty() publishedAt!: string;
}

export class EpisodeDto extends EpisodeSummaryDto {
  @ApiProperty({ format: 'uuid' }) webtoonId!: string;
  @ApiProperty({ type: [String] }) imageUrls!: string[];
}

export class EpisodePageDto {
  @ApiProperty({ type: [EpisodeSummaryDto] }) items!: EpisodeSummaryDto[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}
