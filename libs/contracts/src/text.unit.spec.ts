import { validateSync } from 'class-validator';
import { IsWellFormedText } from './text';

class Note {
  @IsWellFormedText()
  text: unknown;
}

const ok = (text: unknown) => validateSync(Object.assign(new Note(), { text })).length === 0;

describe('IsWellFormedText', () => {
  it.each([
    ['Kebakaran di Jl. Tebet Raya, asap tebal', true],
    ['baris satu\nbaris dua\ttab', true],
    ['emoji 🚓 and Jawa ꦗꦮ', true],
    [undefined, true],
    ['bytes that were not UTF-8: \uFFFD', false],
    ['a lone surrogate \uD800 here', false],
    ['a NUL \u0000 byte', false],
    ['an escape \u001B[31m sequence', false],
    ['DEL \u007F', false],
    ['a C1 control \u0085 (NEL)', false],
    ['a C1 CSI \u009B31m', false],
    ['an address that reads backwards \u202EJl. Dago', false],
    ['a right-to-left embedding \u202B here', false],
    ['an isolate \u2066x\u2069', false],
    ['a first-strong isolate \u2068x\u2069', false],
    ['Latin-1 letters are fine: café, Ñ, ü, ×', true],
    ['Arabic is fine: مرحبا, and a left-to-right mark \u200E too', true],
    [42, false],
  ])('%j is %s', (text, expected) => {
    expect(ok(text)).toBe(expected);
  });
});
