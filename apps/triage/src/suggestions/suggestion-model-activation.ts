import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { NotFound, ValidationFailed } from '@callcenter/contracts';
import { EventEnvelope, MongoEventStore, SUGGESTION_MODEL_STREAM_ID, SuggestionModelActivated, SuggestionModelActivatedV1 } from '@callcenter/events';
import { EVENT_STORE } from '@callcenter/platform';
import { TriageRules } from '../triage.rules';
import { SuggestionModel } from './suggestion-model';
import { loadSuggestionModel, modelFileOf } from './suggestion-model.file';

export interface SuggestionModelActivationReceipt extends SuggestionModelActivatedV1 {
  activatedAt: string;
  activatedBy: string;
}

/**
 * Switching the suggestion model by an event. An admin's command is checked (the model must be in
 * the models folder and be a model of that version) and recorded as SuggestionModelActivated on the
 * `suggestion-model` stream; every instance loads the model when it sees the event (TriageQueue's
 * tail of the triage topic), and an instance that starts takes the latest activation from the
 * event store, falling back to SUGGESTION_MODEL_FILE when none was made or its file is gone.
 */
@Injectable()
export class SuggestionModelActivation implements OnModuleInit {
  private readonly logger = new Logger(SuggestionModelActivation.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly rules: TriageRules,
  ) {}

  async onModuleInit() {
    const { events } = await this.store.readStream(SUGGESTION_MODEL_STREAM_ID);
    const latest = [...events].reverse().find((e) => e.type === SuggestionModelActivated.type);
    if (latest) this.follow(latest);
  }

  async activate(request: { version: string; reason: string }, actor: string, correlationId: string): Promise<SuggestionModelActivationReceipt> {
    const model = this.load(request.version);
    const { version: streamVersion } = await this.store.readStream(SUGGESTION_MODEL_STREAM_ID);
    const now = new Date();
    const data: SuggestionModelActivatedV1 = { fromVersion: this.rules.suggestions.version, toVersion: model.version, reason: request.reason.trim() };
    // A concurrent activation moves the stream on: the append fails with a conflict (409).
    await this.store.append(SUGGESTION_MODEL_STREAM_ID, streamVersion, [SuggestionModelActivated(data)], { actor, correlationId, now });
    this.use(model);
    return { ...data, activatedAt: now.toISOString(), activatedBy: actor };
  }

  /** An activation seen on the triage topic (or in the store at start): load its model. */
  follow(event: EventEnvelope): void {
    const { toVersion } = event.data as SuggestionModelActivatedV1;
    if (toVersion === this.rules.suggestions.version) return;
    try {
      this.use(this.load(toVersion));
    } catch (e) {
      this.logger.error(
        `suggestion model ${toVersion} activated by ${event.actor} cannot be loaded here; still suggesting with ${this.rules.suggestions.version}: ${(e as Error).message}`,
      );
    }
  }

  private use(model: SuggestionModel) {
    if (model.version === this.rules.suggestions.version) return;
    this.logger.log(`suggesting with model ${model.version} (was ${this.rules.suggestions.version})`);
    this.rules.suggestions = model;
  }

  private load(version: string): SuggestionModel {
    const file = modelFileOf(this.rules.modelsDir, version);
    if (!existsSync(file)) throw new NotFound('suggestion model', `${version} (no file ${file})`);
    let model: SuggestionModel;
    try {
      model = loadSuggestionModel(file);
    } catch (e) {
      throw new ValidationFailed([{ field: 'version', message: `${file} is not a usable model: ${(e as Error).message}` }]);
    }
    if (model.version !== version) throw new ValidationFailed([{ field: 'version', message: `${file} holds model ${model.version}, not ${version}` }]);
    return model;
  }
}
