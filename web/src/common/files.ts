// What may be attached to a message (R12), as far as a browser can tell
// before uploading: how many files, how large, and what type by the file's
// extension and the type the browser gives it. The server checks every
// file again, by its content (docs/protocol.md, "Files"); these checks only
// spare the customer an upload that would be refused. Both the widget and
// the agent desktop use them.

import type { AttachmentRef } from './protocol';

/** maxFiles is how many files one message may carry. */
export const maxFiles = 5;
/** maxFileSize is the largest file, in bytes (20 MB). */
export const maxFileSize = 20 * 1024 * 1024;
/** maxFileMB is maxFileSize in MB, for messages. */
export const maxFileMB = 20;

/** acceptedTypes are the media types the server accepts (media.types). */
const acceptedTypes = new Set([
  'image/jpeg',
  'image/png',
  'image/apng',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/heic-sequence',
  'image/heif',
  'image/heif-sequence',
  'image/avif',
  'application/pdf',
  'text/plain',
  'text/csv',
  'text/tab-separated-values',
  'application/json',
]);

/** acceptedExtensions are the file name extensions of the accepted types. */
const acceptedExtensions = new Set([
  '.jpg', '.jpeg', '.jfif', '.jpe', '.png', '.apng', '.gif', '.webp', '.bmp', '.dib', '.tif', '.tiff',
  '.heic', '.heics', '.heif', '.heifs', '.avif', '.pdf',
  '.txt', '.text', '.log', '.md', '.csv', '.tsv', '.tab', '.json', '.ini', '.cfg', '.conf', '.yaml', '.yml', '.srt', '.vtt',
]);

/** accept is the accept attribute of a file input: the accepted types and extensions. */
export const accept = [...acceptedTypes, ...acceptedExtensions].join(',');

/** RefusalReason says why a file is not uploaded; the server's reasons of the same name. */
export type RefusalReason = 'file_type' | 'file_too_large' | 'file_empty' | 'too_many_attachments';

/** Refusal is a file refused before its upload. */
export interface Refusal {
  reason: RefusalReason;
  name: string;
}

/**
 * splitName splits a file name into its stem and extension, so that a long
 * name can be shortened in its stem and keep the extension in sight.
 */
export function splitName(name: string): [string, string] {
  const i = name.lastIndexOf('.');
  if (i <= 0 || name.length - i > 8) return [name, ''];
  return [name.slice(0, i), name.slice(i)];
}

/** extension gives a file name's extension in lower case, with its dot ('' for none). */
export function extension(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i).toLowerCase() : '';
}

/** FileLike is what checkFile needs of a File. */
export interface FileLike {
  name: string;
  size: number;
  type: string;
}

/**
 * checkFile refuses a file the server would refuse for its size, or for its
 * type as far as its name and the browser's type tell: a file whose
 * extension or browser type is one of the accepted ones goes to the server,
 * which decides by its content; so does one with neither (no extension, no
 * type). Anything else (.exe, .html, .svg, .zip …) is refused here.
 */
export function checkFile(f: FileLike): Refusal | undefined {
  const ext = extension(f.name);
  const type = f.type.split(';')[0].trim().toLowerCase();
  const known = acceptedExtensions.has(ext) || acceptedTypes.has(type) || (ext === '' && type === '');
  if (!known) return { reason: 'file_type', name: f.name };
  if (f.size > maxFileSize) return { reason: 'file_too_large', name: f.name };
  if (f.size === 0) return { reason: 'file_empty', name: f.name };
  return undefined;
}

/** FileKind is how a file is shown: an image (thumbnail), a PDF or a text (a card). */
export type FileKind = 'image' | 'pdf' | 'text';

/** kindOf gives how a file of media type type is shown. */
export function kindOf(type: string | undefined): FileKind {
  if (type?.startsWith('image/')) return 'image';
  if (type === 'application/pdf') return 'pdf';
  return 'text';
}

/** typeLabel is a short name of a media type for a file's card ("PDF", "CSV", "PNG"). */
export function typeLabel(type: string | undefined): string {
  switch (type) {
    case 'application/pdf':
      return 'PDF';
    case 'text/csv':
      return 'CSV';
    case 'text/tab-separated-values':
      return 'TSV';
    case 'application/json':
      return 'JSON';
    case 'text/plain':
      return 'TXT';
    case 'image/jpeg':
      return 'JPEG';
    case undefined:
    case '':
      return '';
  }
  const sub = type.split('/')[1] ?? type;
  return sub.replace(/-sequence$/, '').toUpperCase();
}

/** formatSize gives a size in bytes for people: "980 B", "12 KB", "3.4 MB" (in the language's numbers). */
export function formatSize(bytes: number, lang: string): string {
  const num = (n: number, digits: number) =>
    new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${num(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;
  return `${num(bytes / (1024 * 1024), 1)} MB`;
}

/** inlineImage tells whether a browser can show the file itself (not only its thumbnail). */
export function inlineImage(a: AttachmentRef): boolean {
  switch (a.type) {
    case 'image/jpeg':
    case 'image/png':
    case 'image/apng':
    case 'image/gif':
    case 'image/webp':
    case 'image/bmp':
    case 'image/avif':
      return true;
  }
  return false;
}
