import type { Category, Priority } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

export interface ReportClassifiedV1 {
  reportId: string;
  category: Category;
  priority: Priority;
  /** District code of the jurisdiction. */
  district: string | null;
}

export const ReportClassified = defineEvent<ReportClassifiedV1>()('ReportClassified');
