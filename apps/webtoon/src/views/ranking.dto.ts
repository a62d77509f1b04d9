import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { IntRange, Pattern } from '@lib/platform';

/** Years before 1970 are no one's views; PostgreSQL has no year 0 and refuses it. */
const UTC_DAY = /^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class RankingQuery {
  @ApiPropertyOptional({
    description: 'UTC day, YYYY-MM-DD, from 1970-01-01 to 9999-12-31; default today',
    example: '2026-01-31',
    format: 'date',
  })
  @IsOptional()
  @Pattern(UTC_DAY, 'date must be a day from 1970-01-01 to 9999-12-31 (YYYY-MM-DD)')
  date?: string;

  @ApiPropertyOptional({ default: 10 })
  @Type(() => Number)
  @IntRange(1, 50)
  limit = 10;
}

export class RankingEntryResponse {
  @ApiProperty() rank!: number;
  @ApiProperty({ format: 'uuid' }) webtoonId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) thumbnailUrl!: string | null;
  @ApiProperty({ type: [String] }) genres!: string[];
  @ApiProperty() views!: number;
}

export class RankingResponse {
  @ApiProperty() date!: string;
  @ApiProperty({ type: [RankingEntryResponse] }) items!: RankingEntryResponse[];
}
