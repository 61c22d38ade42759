import { describe, expect, it } from 'vitest';
import { checkFile, extension, formatSize, kindOf, maxFileSize, typeLabel } from './files';

describe('checkFile', () => {
  const ok = [
    { name: 'IMG_0042.JPG', size: 3_000_000, type: 'image/jpeg' },
    { name: 'scan.pdf', size: 10, type: 'application/pdf' },
    { name: 'photo.heic', size: 10, type: '' }, // Chrome knows no type for HEIC
    { name: 'data.csv', size: 10, type: 'text/csv' },
    { name: 'README', size: 10, type: '' }, // neither: the server decides
    { name: 'report.pdf', size: 10, type: 'image/png' }, // the server decides by content
    { name: 'exact.pdf', size: maxFileSize, type: 'application/pdf' },
  ];
  for (const f of ok) it(`lets ${f.name} go to the server`, () => expect(checkFile(f)).toBeUndefined());

  const refused = [
    { f: { name: 'report.exe', size: 10, type: 'application/x-msdownload' }, reason: 'file_type' },
    { f: { name: 'setup.msi', size: 10, type: '' }, reason: 'file_type' },
    { f: { name: 'page.html', size: 10, type: 'text/html' }, reason: 'file_type' },
    { f: { name: 'logo.svg', size: 10, type: 'image/svg+xml' }, reason: 'file_type' },
    { f: { name: 'archive.zip', size: 10, type: 'application/zip' }, reason: 'file_type' },
    { f: { name: 'big.pdf', size: maxFileSize + 1, type: 'application/pdf' }, reason: 'file_too_large' },
    { f: { name: 'video.pdf', size: 21 * 1024 * 1024, type: 'application/pdf' }, reason: 'file_too_large' },
    { f: { name: 'empty.txt', size: 0, type: 'text/plain' }, reason: 'file_empty' },
  ];
  for (const { f, reason } of refused) {
    it(`refuses ${f.name}: ${reason}`, () => expect(checkFile(f)).toEqual({ reason, name: f.name }));
  }
});

describe('helpers', () => {
  it('extension', () => {
    expect(extension('a.TXT')).toBe('.txt');
    expect(extension('.bashrc')).toBe('');
    expect(extension('noext')).toBe('');
  });
  it('formatSize', () => {
    expect(formatSize(980, 'en')).toBe('980 B');
    expect(formatSize(12_345, 'en')).toBe('12 KB');
    expect(formatSize(3.45 * 1024 * 1024, 'en')).toBe('3.5 MB');
    expect(formatSize(3.45 * 1024 * 1024, 'nb')).toBe('3,5 MB');
  });
  it('kindOf and typeLabel', () => {
    expect(kindOf('image/webp')).toBe('image');
    expect(kindOf('application/pdf')).toBe('pdf');
    expect(kindOf('text/csv')).toBe('text');
    expect(typeLabel('application/pdf')).toBe('PDF');
    expect(typeLabel('image/heic-sequence')).toBe('HEIC');
  });
});
