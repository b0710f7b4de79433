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
    [42, false],
  ])('%j is %s', (text, expected) => {
    expect(ok(text)).toBe(expected);
  });
});
