import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import eidoSchema from './eido.schema.json';

/** A validator of EIDO documents against NENA's published schema (vendored here; see README.md). For tests. */
export function eidoValidator(): (document: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(eidoSchema);
  return (document) => (validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));
}
