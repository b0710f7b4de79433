import { Inject, Injectable } from '@nestjs/common';
import { v4 as uuidv4 } from 'uuid';
import { NotFound, ValidationFailed } from '@callcenter/contracts';
import { erasureStreamId, MongoEventStore, PersonalDataVault, ReporterDataErased, ReporterDataErasedV1 } from '@callcenter/events';
import { EVENT_STORE, PERSONAL_DATA } from '@callcenter/platform';
import { CallersStore } from '../callers/callers.store';

export interface ErasureRequest {
  reportId?: string;
  phone?: string;
  reason: string;
}

export interface ErasureReceipt extends ReporterDataErasedV1 {
  erasedAt: string;
  erasedBy: string;
}

/**
 * Erases reporters' personal data by destroying the reports' data keys (crypto-shredding): every
 * sealed copy, on every topic and in every read model, then opens as "[dihapus]". The erasure is
 * recorded as ReporterDataErased (who, when, which reports, why) first, then the keys go: no erasure
 * is ever done unrecorded. A failure after the record leaves the keys, so the admin's retry (by
 * report or by phone) finds the reports again and finishes it, recorded once more.
 */
@Injectable()
export class ReporterErasure {
  constructor(
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
    private readonly callers: CallersStore,
  ) {}

  async erase(request: ErasureRequest, actor: string, correlationId: string): Promise<ErasureReceipt> {
    if (!request.reportId === !request.phone) {
      throw new ValidationFailed([{ field: request.reportId ? 'phone' : 'reportId', message: 'give either reportId or phone, not both' }]);
    }
    const reportIds = request.reportId ? await this.knownReport(request.reportId) : await this.reportsOfPhone(request.phone!);
    const now = new Date();
    const erasureId = uuidv4();
    const data: ReporterDataErasedV1 = { erasureId, by: request.reportId ? 'REPORT' : 'PHONE', reportIds, reason: request.reason.trim() };
    await this.store.append(erasureStreamId(erasureId), 0, [ReporterDataErased(data)], { actor, correlationId, now });
    await this.personalData.erase(reportIds, erasureId, now);
    // Identities kept in clear before encryption (ReportReceived v1) are overwritten too.
    await this.callers.forgetReporters(reportIds);
    return { ...data, erasedAt: now.toISOString(), erasedBy: actor };
  }

  private async knownReport(reportId: string): Promise<string[]> {
    const id = reportId.toLowerCase();
    const [{ version }, key] = await Promise.all([this.store.readStream(id), this.personalData.store.get(id)]);
    if (version === 0 && !key) throw new NotFound('report', id);
    return [id];
  }

  private async reportsOfPhone(phone: string): Promise<string[]> {
    const ids = new Set([...(await this.personalData.reportsOfPhone(phone)), ...(await this.callers.reportsWithPlainPhone(phone))]);
    if (ids.size === 0) throw new NotFound('report with phone number', 'given');
    return [...ids].sort();
  }
}
