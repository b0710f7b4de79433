import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { from, Observable, switchMap } from 'rxjs';
import type { PersonalDataVault } from '@callcenter/events';
import { PERSONAL_DATA } from './tokens';

/**
 * Opens every sealed personal-data value in a JSON answer (a description or address copied from
 * event to event), so a service whose views only pass those fields through need not know which
 * ones they are; an erased one reads "[dihapus]". Who may call the route is the route's own rule.
 */
@Injectable()
export class OpenPersonalDataInterceptor implements NestInterceptor {
  constructor(@Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(switchMap((body) => from(this.personalData.openDeep(body))));
  }
}
