// Reading a deck back in tests: its XML parts and each slide's text, in slide order.
/** The XML parts of a .pptx (a zip), inflated: enough of a zip reader for the deck's own files. */
export async function pptxParts(pptx: Buffer): Promise<Map<string, string>> {
  const { inflateRawSync } = await import('node:zlib');
  const parts = new Map<string, string>();
  // The central directory has the sizes (local headers may defer them to a data descriptor).
  const end = pptx.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = pptx.readUInt32LE(end + 16);
  for (let i = pptx.readUInt16LE(end + 10); i > 0; i--) {
    const method = pptx.readUInt16LE(p + 10), size = pptx.readUInt32LE(p + 20);
    const nameLen = pptx.readUInt16LE(p + 28), extra = pptx.readUInt16LE(p + 30), comment = pptx.readUInt16LE(p + 32);
    const local = pptx.readUInt32LE(p + 42);
    const name = pptx.toString('utf8', p + 46, p + 46 + nameLen);
    const data = local + 30 + pptx.readUInt16LE(local + 26) + pptx.readUInt16LE(local + 28);
    const raw = pptx.subarray(data, data + size);
    if (name.endsWith('.xml')) parts.set(name, (method === 8 ? inflateRawSync(raw) : raw).toString('utf8'));
    p += 46 + nameLen + extra + comment;
  }
  return parts;
}

/** Each slide's XML and its text runs joined by spaces, in slide order. */
export function slideTexts(parts: Map<string, string>): { xml: string; text: string }[] {
  return [...parts].filter(([n]) => /^ppt\/slides\/slide\d+\.xml$/.test(n))
    .sort(([a], [b]) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]))
    .map(([, xml]) => ({ xml, text: [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => m[1]).join(' ') }));
}
