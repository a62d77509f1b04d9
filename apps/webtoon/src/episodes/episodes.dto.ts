import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { HttpUrlList, IntRange, OptionalNotNull, StringLength } from '@lib/platform';

export class CreateEpisodeRequest {
  @ApiPropertyOptional({ description: 'Defaults to the next number' })
  @OptionalNotNull()
  @IntRange(1, 100_000)
  no?: number;

  @ApiProperty({ description: 'Trimmed; not blank', pattern: '\\S' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @StringLength(1, 200)
  title!: string;

  @ApiProperty({ description: 'The episode pages, in order' })
  @HttpUrlList(1, 200, 2048)
  imageUrls!: string[];

  @ApiPropertyOptional({ description: '0 = free', default: 0 })
  @OptionalNotNull()
  @IntRange(0, 10_000)
  priceCoins?: number;
}

export class EpisodeSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() no!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ description: '0 = free' }) priceCoins!: number;
  @ApiProperty() publishedAt!: string;
}

export class EpisodeResponse extends EpisodeSummaryResponse {
  @ApiProperty({ format: 'uuid' }) webtoonId!: string;
  @ApiProperty({ type: [String] }) imageUrls!: string[];
}

export class EpisodePageResponse {
  @ApiProperty({ type: [EpisodeSummaryResponse] }) items!: EpisodeSummaryResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}
