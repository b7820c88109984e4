/**
 * A strict well-formedness check for the small XML our SVG charts are: balanced tags, quoted attributes,
 * no duplicate attribute, only the five predefined entities or numeric references, no raw `<` or `&`.
 * Returns the problems found (empty: well-formed) and the element names in document order.
 */
export function checkWellFormedXml(xml: string): { problems: string[]; elements: string[] } {
  const problems: string[] = [];
  const elements: string[] = [];
  const stack: string[] = [];
  const checkText = (text: string, where: string): void => {
    if (text.includes('<')) problems.push(`raw < in ${where}`);
    for (const m of text.matchAll(/&([^;\s]*);?/g)) {
      if (!m[0].endsWith(';') || !/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1] ?? '')) problems.push(`bad entity ${m[0]} in ${where}`);
    }
  };
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = lt < 0 ? xml.slice(i) : xml.slice(i, lt);
    if (text.trim() && !stack.length) problems.push('text outside the root element');
    checkText(text, 'text');
    if (lt < 0) break;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) {
      problems.push('unterminated tag');
      break;
    }
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w.:-]*)([\s\S]*)$/.exec(body);
    if (!m) {
      problems.push(`bad tag <${tag}>`);
      continue;
    }
    const name = m[1]!;
    if (!stack.length && ++roots > 1) problems.push('more than one root element');
    elements.push(name);
    const seen = new Set<string>();
    let rest = m[2]!;
    const attr = /^\s+([A-Za-z_][\w.:-]*)="([^"]*)"/;
    for (let a = attr.exec(rest); a; a = attr.exec(rest)) {
      if (seen.has(a[1]!)) problems.push(`duplicate attribute ${a[1]} on <${name}>`);
      seen.add(a[1]!);
      checkText(a[2]!, `attribute ${a[1]} of <${name}>`);
      rest = rest.slice(a[0].length);
    }
    if (rest.trim()) problems.push(`malformed attributes on <${name}>: ${rest.trim().slice(0, 40)}`);
    if (!selfClosing) stack.push(name);
  }
  if (stack.length) problems.push(`unclosed <${stack.join('>, <')}>`);
  if (!roots) problems.push('no root element');
  return { problems, elements };
}
