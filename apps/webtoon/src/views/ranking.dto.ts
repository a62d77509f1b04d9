import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class RankingQuery {
  @ApiPropertyOptional({ description: 'UTC day, YYYY-MM-DD; default today', example: '2026-01-31' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'date must be YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit = 10;
}

export class RankingEntryDto {
  @ApiProperty() rank!: number;
  @ApiProperty({ format: 'uuid' }) webtoonId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) thumbnailUrl!: string | null;
  @ApiProperty({ type: [String] }) genres!: string[];
  @ApiProperty() views!: number;
}

export class RankingDto {
  @ApiProperty() date!: string;
  @ApiProperty({ type: [RankingEntryDto] }) items!: RankingEntryDto[];
}
