/** Text and attribute values for XML documents we write (XMLTV, device.xml). */

/** Escapes markup and drops the control characters XML 1.0 forbids outright (escaping cannot save them). */
export function xmlText(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}
