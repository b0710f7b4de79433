import { csvOf, toCsv } from './csv';

describe('CSV answers', () => {
  it('has a column for every field any row has, nested fields dotted, lists as JSON', () => {
    expect(
      toCsv([
        { a: 1, b: { c: 'x,y' } },
        { a: 2, d: [1, 2], e: true },
      ]),
    ).toBe('a,b.c,d,e\r\n1,"x,y",,\r\n2,,"[1,2]",true\r\n');
  });

  it('quotes what would break a row and defuses what a spreadsheet would run, but not a negative number', () => {
    expect(csvOf([['=cmd()', 'q"uote', 'two\nlines', -5, '-5', '＝1+1', null]])).toBe(`'=cmd(),"q""uote","two\nlines",-5,'-5,'＝1+1,\r\n`);
  });
});
