import { xmlAttributeValue, xmlText } from "./xml-text.js";

// An XML document written line by line in the layout of xmlbuilder2's pretty printer with a tab
// indent (what e-invoice-eu produces): one element per line, indented one tab per level; an
// element holding only text on one line; an empty one self-closed; no newline after the root.
// Plain string building, for the Factur-X CII that is written for every document issued.

const indents: string[] = [""];
const indent = (depth: number): string => {
  for (let level = indents.length; level <= depth; level++) indents.push(`${indents[level - 1]}\t`);
  return indents[depth]!;
};

/** ` name="value"`, for the attributes argument of IndentedXml's methods. */
export const attribute = (name: string, value: string): string => ` ${name}="${xmlAttributeValue(value)}"`;

export class IndentedXml {
  private readonly lines: string[];
  private readonly open: string[] = [];

  constructor(declaration: string) {
    this.lines = [declaration];
  }

  /** Opens an element whose children follow; `end` closes it. */
  start(name: string, attributes = ""): this {
    this.lines.push(`${indent(this.open.length)}<${name}${attributes}>`);
    this.open.push(name);
    return this;
  }

  end(): this {
    const name = this.open.pop();
    if (name === undefined) throw new Error("IndentedXml: end() without an open element");
    this.lines.push(`${indent(this.open.length)}</${name}>`);
    return this;
  }

  /** An element holding text, escaped as given (xml-text.ts); self-closed when empty. */
  text(name: string, value: string, attributes = ""): this {
    const at = indent(this.open.length);
    this.lines.push(value === "" ? `${at}<${name}${attributes}/>` : `${at}<${name}${attributes}>${xmlText(value)}</${name}>`);
    return this;
  }

  /** An element holding markup the caller escaped, written as given, never self-closed. */
  markup(name: string, markup: string): this {
    this.lines.push(`${indent(this.open.length)}<${name}>${markup}</${name}>`);
    return this;
  }

  /** An element without content. */
  empty(name: string): this {
    this.lines.push(`${indent(this.open.length)}<${name}/>`);
    return this;
  }

  toString(): string {
    if (this.open.length > 0) throw new Error(`IndentedXml: ${this.open.join(" > ")} left open`);
    return this.lines.join("\n");
  }
}
