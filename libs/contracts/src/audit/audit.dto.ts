import 'reflect-metadata';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate } from 'class-validator';
import { parseStrictIsoTime } from '../dates';
import { ValidationFailed } from '../errors';
import { QueueQueryDto } from '../triage/triage.dto';

const AT_MESSAGE = 'at must be an ISO-8601 time with a zone, e.g. 2026-11-28T08:00:00+07:00';

/** Only an existing ISO-8601 time with a zone: no one guesses the zone of a moment shown to Propam or a court. */
const strictTime = ({ value }: { value: unknown }) => (typeof value === 'string' && parseStrictIsoTime(value)) || 'invalid';

/** A past moment to look at (issue 17): the answer is what the service showed then. */
export class AuditAtQueryDto {
  @ApiProperty({ type: String, example: '2026-11-28T08:15:00+07:00', description: 'The moment (ISO-8601 with zone; not in the future)' })
  @Transform(strictTime)
  @IsDate({ message: AT_MESSAGE })
  at: Date;
}

/** The triage queue at a past moment, with the live queue's filters and paging. */
export class AuditQueueQueryDto extends QueueQueryDto {
  @ApiProperty({ type: String, example: '2026-11-28T08:15:00+07:00', description: 'The moment (ISO-8601 with zone; not in the future)' })
  @Transform(strictTime)
  @IsDate({ message: AT_MESSAGE })
  at: Date;
}

/** A moment still to come has no past to show: 400 naming `at`. */
export function checkPastMoment(at: Date, now = new Date()): void {
  if (at.getTime() > now.getTime()) throw new ValidationFailed([{ field: 'at', message: 'at must not be in the future' }]);
}
