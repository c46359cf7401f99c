import { describe, expect, it } from 'vitest';
import { parseXml, XmlNode } from '../../../sandbox/aws/xml.js';

describe('sandbox XML', () => {
  it('escapes text and attributes, leaves empty elements short, keeps child order', () => {
    const doc = new XmlNode('Root')
      .a('xmlns', 'https://example.com/doc/')
      .a('absent', undefined)
      .c(XmlNode.of('Value', '"a&b" <c>'))
      .c(new XmlNode('Empty'))
      .c(new XmlNode('List', [XmlNode.of('Item', '2'), XmlNode.of('Item', '1')]));
    expect(doc.toString()).toBe(
      '<Root xmlns="https://example.com/doc/"><Value>&quot;a&amp;b&quot; &lt;c&gt;</Value><Empty/>' +
        '<List><Item>2</Item><Item>1</Item></List></Root>',
    );
    expect(XmlNode.of('Old', 'x').withName('New').toString()).toBe('<New>x</New>');
  });

  it('reads what it writes: repeated elements as a list, text as text, numeric references decoded', () => {
    const written = new XmlNode('R', [
      XmlNode.of('V', 'line1\nline2 & "q"'),
      XmlNode.of('N', '010'),
    ]).toString();
    expect(parseXml(written)).toEqual({ R: { V: 'line1\nline2 & "q"', N: '010' } });
    expect(
      parseXml('<?xml version="1.0"?>\n<R xmlns="x"><A>&#x41;&#66;&#x0A;</A><E/><L><m>1</m><m>2</m></L></R>'),
    ).toEqual({
      R: { A: 'AB\n', E: '', L: { m: ['1', '2'] } },
    });
  });

  it('refuses a body that is not well-formed XML, naming the line', () => {
    expect(() => parseXml('<R>\n<A></R>')).toThrow(/line 2/);
    expect(() => parseXml('not xml')).toThrow();
  });
});
