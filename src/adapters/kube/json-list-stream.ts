/**
 * Reads a large JSON file without ever holding it as one string: `kubectl get pods -A -o json` of a
 * 100,000-pod cluster is larger than V8's longest string. The top-level object is scanned byte by byte;
 * each element of its `items` array is parsed on its own as soon as it is complete, and the rest of the
 * object (kind, apiVersion, metadata) is parsed at the end with `items` left empty.
 */
import { createReadStream } from 'node:fs';

export interface JsonListStream {
  /** The top-level object with `items: []` (undefined when the file is not one object). */
  readonly outer: unknown;
  /** How many items were handed to onItem. */
  readonly items: number;
}

export class JsonStreamError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

export async function streamJsonList(file: string, onItem: (item: unknown, index: number) => void, options: { chunkBytes?: number } = {}): Promise<JsonListStream> {
  /** Bytes of the top-level object outside the items array. */
  const outer: Buffer[] = [];
  /** Pieces of the item being read (it may span chunks). */
  let element: Buffer[] = [];
  let depth = 0;
  let inString = false;
  let escape = false;
  /** The last string at depth 1 (keys and short values; only the first few characters are kept). */
  let key = '';
  let capturing = false;
  let inItems = false;
  let items = 0;
  let offset = 0;
  const stream = createReadStream(file, options.chunkBytes ? { highWaterMark: options.chunkBytes } : {});
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let outerStart = inItems ? -1 : 0;
    let elementStart = inItems && element.length ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) inString = false;
        else if (capturing && key.length < 16) key += String.fromCharCode(c);
        continue;
      }
      if (inItems && depth === 2 && c !== OPEN_OBJECT && c !== CLOSE_ARRAY && c !== COMMA && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        throw new JsonStreamError(`items[${items}] at byte ${offset + i} is not an object`);
      }
      switch (c) {
        case QUOTE:
          inString = true;
          capturing = depth === 1 && !inItems;
          if (capturing) key = '';
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (depth === 1 && c === OPEN_ARRAY && !inItems && key === 'items') {
            // `"items": [`: from here on elements go to onItem, and the outer object keeps an empty array
            inItems = true;
            outer.push(chunk.subarray(outerStart, i + 1));
            outerStart = -1;
          } else if (inItems && depth === 2) {
            if (c !== OPEN_OBJECT) throw new JsonStreamError(`items[${items}] at byte ${offset + i} is not an object`);
            elementStart = i;
            element = [];
          }
          depth++;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          depth--;
          if (depth < 0) throw new JsonStreamError(`unbalanced ${String.fromCharCode(c)} at byte ${offset + i}`);
          if (inItems && depth === 2) {
            element.push(chunk.subarray(elementStart, i + 1));
            const text = Buffer.concat(element).toString('utf8');
            element = [];
            elementStart = -1;
            let value: unknown;
            try {
              value = JSON.parse(text);
            } catch (e) {
              throw new JsonStreamError(`items[${items}]: ${(e as Error).message}`);
            }
            onItem(value, items++);
          } else if (inItems && depth === 1) {
            inItems = false; // the end of the items array
            outerStart = i;
          }
          break;
        default:
          break;
      }
    }
    if (outerStart >= 0) outer.push(chunk.subarray(outerStart));
    if (inItems && elementStart >= 0) element.push(chunk.subarray(elementStart));
    offset += chunk.length;
  }
  if (depth !== 0 || inString) throw new JsonStreamError('unexpected end of the file (an object, array or string is not closed)');
  const rest = Buffer.concat(outer).toString('utf8');
  let value: unknown;
  try {
    value = rest.trim() ? JSON.parse(rest) : undefined;
  } catch (e) {
    throw new JsonStreamError((e as Error).message);
  }
  return { outer: value, items };
}
