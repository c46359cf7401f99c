import { EntityDecoder } from '@nodable/entities';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The sandbox's XML, read and written by fast-xml-parser (the AWS SDK's own XML helpers are internal to
 * the SDK and not for other code to depend on). Requests parse to plain objects the way the services
 * read them; responses are built as element trees and serialised, escaping included, by the library.
 */

const PARSER = new XMLParser({
  ignoreAttributes: true,
  // Values stay text: a record value `010` or `true` is a string to Route 53 until the field says otherwise.
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  processEntities: true,
  // XML's five entities and numeric references (the SDK writes a newline in a value as `&#x0A;`); no
  // HTML names (`&nbsp;`), which an XML parser must not accept.
  entityDecoder: new EntityDecoder({ numericAllowed: true }),
});

const BUILDER = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
});

/**
 * The document's root element as `{ root: content }`: a repeated element becomes an array, a text-only
 * element a string. Throws, naming the line, on a body that is not well-formed XML.
 */
export function parseXml(body: string): Record<string, unknown> {
  const verdict = XMLValidator.validate(body);
  if (verdict !== true) throw new Error(`${verdict.err.msg} (line ${verdict.err.line})`);
  return PARSER.parse(body) as Record<string, unknown>;
}

type Ordered = Record<string, unknown>;

/** One element of a response: a name, attributes, and either text or child elements. */
export class XmlNode {
  private readonly attributes: Record<string, string> = {};
  private readonly children: XmlNode[];

  constructor(
    readonly name: string,
    children: readonly XmlNode[] = [],
    private readonly text?: string,
  ) {
    this.children = [...children];
  }

  /** `<name>text</name>`. */
  static of(name: string, text: string): XmlNode {
    return new XmlNode(name, [], text);
  }

  /** Sets an attribute; an undefined value leaves it out. */
  a(name: string, value: string | undefined): this {
    if (value !== undefined) this.attributes[name] = value;
    return this;
  }

  /** Appends a child element. */
  c(child: XmlNode): this {
    this.children.push(child);
    return this;
  }

  /** The same content under another element name. */
  withName(name: string): XmlNode {
    const renamed = new XmlNode(name, this.children, this.text);
    Object.assign(renamed.attributes, this.attributes);
    return renamed;
  }

  toString(): string {
    return BUILDER.build([this.ordered()]) as string;
  }

  /** fast-xml-parser's ordered form: `{ name: [children], ':@': { '@_attr': value } }`. */
  private ordered(): Ordered {
    const content =
      this.text !== undefined ? [{ '#text': this.text }] : this.children.map((c) => c.ordered());
    const attributes = Object.entries(this.attributes);
    return {
      [this.name]: content,
      ...(attributes.length > 0
        ? { ':@': Object.fromEntries(attributes.map(([k, v]) => [`@_${k}`, v])) }
        : {}),
    };
  }
}
