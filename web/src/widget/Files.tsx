// Files in the widget (R12): the paperclip and the files on their way in
// the composer (with progress, cancel and retry), and the files of the
// messages in the log: images as the server's thumbnails, opening full
// size in place, and PDF and text files as cards to download.
//
// The widget authenticates with a bearer token, which an <img src> cannot
// send: it fetches each thumbnail and download itself and shows it through
// an object URL (FileCache). Nothing a file holds is ever put into the
// page as markup: images are <img> elements, everything else a download.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { accept, formatSize, inlineImage, kindOf, maxFiles, splitName, typeLabel, type Refusal } from '../common/files';
import type { AttachmentRef } from '../common/protocol';
import { UploadQueue, type UploadFailure, type UploadItem } from '../common/upload';
import type { Lang, Texts } from './texts';

/** filesURL is the route of a chat's files, under the widget's base path. */
export function filesURL(base: string, conversationId: string): string {
  return `${base}/api/v1/widget/conversations/${encodeURIComponent(conversationId)}/attachments`;
}

/** useUploads gives a composer its queue, re-rendering on every change. */
export function useUploads(base: string, conversationId: string, token: string): UploadQueue {
  const [, setVersion] = useState(0);
  const q = useMemo(
    () =>
      new UploadQueue({
        target: { url: filesURL(base, conversationId), headers: { Authorization: `Bearer ${token}` } },
        onChange: () => setVersion((n) => n + 1),
        preview: (f) => URL.createObjectURL(f),
        revoke: (u) => URL.revokeObjectURL(u),
      }),
    [base, conversationId, token],
  );
  useEffect(() => {
    const online = () => q.retryFailed();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      q.dispose();
    };
  }, [q]);
  return q;
}

/** refusalText says why a file was refused before its upload, in the customer's language. */
export function refusalText(r: Refusal, t: Texts): string {
  switch (r.reason) {
    case 'file_type':
      return t.fileType(r.name);
    case 'file_too_large':
      return t.fileTooLarge(r.name);
    case 'file_empty':
      return t.fileEmpty(r.name);
    case 'too_many_attachments':
      return t.tooManyFiles(maxFiles);
  }
}

/** failureText says why the server did not take a file, by its reason. */
export function failureText(f: UploadFailure, name: string, t: Texts): string {
  switch (f.reason) {
    case 'file_type':
      return t.fileType(name);
    case 'file_too_large':
      return t.fileTooLarge(name);
    case 'file_empty':
      return t.fileEmpty(name);
    case 'file_not_text':
      return t.fileNotText(name);
    case 'image_too_large':
      return t.imageTooLarge(name);
    case 'image_damaged':
      return t.imageDamaged(name);
    case 'upload_cut_off':
      return t.uploadCutOff(name);
    case 'chat_files_full':
      return t.chatFilesFull(Number(f.params?.max) || 200);
  }
  if (f.code === 'too_many_requests') return t.tooFast(f.retryAfter ?? 60);
  return t.uploadFailed(name);
}

/** FileCache fetches a chat's files with the customer's token and keeps them as object URLs. */
export class FileCache {
  private readonly urls = new Map<string, Promise<string>>();
  constructor(
    private readonly base: string,
    private readonly conversationId: string,
    private readonly token: string,
  ) {}

  /** url resolves to an object URL of the file (or its thumbnail). */
  url(id: string, thumbnail: boolean): Promise<string> {
    const key = `${id}${thumbnail ? '/thumbnail' : ''}`;
    let p = this.urls.get(key);
    if (!p) {
      p = fetch(`${filesURL(this.base, this.conversationId)}/${encodeURIComponent(id)}${thumbnail ? '/thumbnail' : ''}`, {
        headers: { Authorization: `Bearer ${this.token}` },
        credentials: 'omit',
      }).then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return URL.createObjectURL(await res.blob());
      });
      p.catch(() => this.urls.delete(key)); // try again next time
      this.urls.set(key, p);
    }
    return p;
  }

  /** download saves the file under its name. */
  async download(a: AttachmentRef): Promise<void> {
    const url = await this.url(a.id, false);
    const link = document.createElement('a');
    link.href = url;
    link.download = a.name;
    document.body.append(link);
    link.click();
    link.remove();
  }

  /** dispose frees every object URL. */
  dispose(): void {
    for (const p of this.urls.values()) p.then(URL.revokeObjectURL, () => undefined);
    this.urls.clear();
  }
}

/** useObjectURL resolves a file's object URL, undefined while it loads, null if it failed. */
function useObjectURL(cache: FileCache, id: string, thumbnail: boolean): string | null | undefined {
  const [url, setUrl] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    cache.url(id, thumbnail).then(
      (u) => live && setUrl(u),
      () => live && setUrl(null),
    );
    return () => {
      live = false;
    };
  }, [cache, id, thumbnail]);
  return url;
}

export function PaperclipIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d="M20.5 11.5 12.2 19.8a5 5 0 0 1-7-7l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />
    </svg>
  );
}

function DocIcon({ kind }: { kind: 'pdf' | 'text' | 'image' }) {
  return (
    <svg class={`sk-doc sk-doc-${kind}`} viewBox="0 0 24 24" aria-hidden="true">
      <path d="M6 2.5h8l4.5 4.5v14.5H6z" />
      <path d="M14 2.5V7h4.5" />
      {kind === 'image' ? <path d="M8.5 17.5l3-3.5 2 2 1.5-1.5 2 3z" /> : <path d="M8.5 12h7M8.5 15h7M8.5 18h4.5" />}
    </svg>
  );
}

/** FileName shows a file's name, shortened in its stem so the extension stays in sight. */
function FileName({ name, class: cls }: { name: string; class: string }) {
  const [stem, ext] = splitName(name);
  return (
    <span class={`sk-fname ${cls}`} title={name}>
      <span class="sk-fname-stem">{stem}</span>
      {ext && <span class="sk-fname-ext">{ext}</span>}
    </span>
  );
}

/** AttachButton is the paperclip and its hidden file input. */
export function AttachButton({ t, disabled, onFiles }: { t: Texts; disabled: boolean; onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" class="sk-attach" aria-label={t.attach} title={t.attach} disabled={disabled} onClick={() => input.current?.click()}>
        <PaperclipIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        class="sk-visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}

/** UploadList is the files on their way, above the message field. */
export function UploadList({ q, t, lang }: { q: UploadQueue; t: Texts; lang: Lang }) {
  if (q.items.length === 0) return null;
  return (
    <ul class="sk-uploads">
      {q.items.map((i) => (
        <UploadChip key={i.key} item={i} q={q} t={t} lang={lang} />
      ))}
    </ul>
  );
}

function UploadChip({ item, q, t, lang }: { item: UploadItem; q: UploadQueue; t: Texts; lang: Lang }) {
  const f = item.file;
  const pct = f.size > 0 ? Math.round((item.loaded / f.size) * 100) : 0;
  // A file that only claimed to be an image shows as a document.
  const [broken, setBroken] = useState(false);
  const showPreview = !!item.preview && !broken && !(item.state === 'failed' && !item.error?.retryable);
  return (
    <li class={`sk-upload sk-upload-${item.state}`}>
      {showPreview ? (
        <img class="sk-upload-preview" src={item.preview} alt="" onError={() => setBroken(true)} />
      ) : (
        <DocIcon kind={kindOf(f.type)} />
      )}
      <div class="sk-upload-body">
        <FileName class="sk-upload-name" name={f.name} />
        {item.state === 'uploading' && (
          <div class="sk-progress" role="progressbar" aria-label={f.name} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
            <div class="sk-progress-bar" style={{ width: `${pct}%` }} />
          </div>
        )}
        {item.state === 'done' && <span class="sk-upload-size">{formatSize(f.size, lang)}</span>}
        {item.state === 'failed' && item.error && <span class="sk-upload-error">{failureText(item.error, f.name, t)}</span>}
      </div>
      {item.state === 'failed' && item.error?.retryable && (
        <button type="button" class="sk-upload-retry" onClick={() => q.retry(item.key)}>
          {t.retryUpload}
        </button>
      )}
      <button type="button" class="sk-upload-remove" aria-label={t.removeFile(f.name)} title={t.removeFile(f.name)} onClick={() => q.remove(item.key)}>
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M7 7l10 10M17 7L7 17" />
        </svg>
      </button>
    </li>
  );
}

/** MessageFiles are a message's files in the log. */
export function MessageFiles({ files, cache, t, lang, pending }: { files: AttachmentRef[]; cache: FileCache; t: Texts; lang: Lang; pending: boolean }) {
  const [open, setOpen] = useState<AttachmentRef | undefined>();
  const images = files.filter((a) => a.thumbnail && !pending);
  const cards = files.filter((a) => !a.thumbnail || pending);
  return (
    <div class="sk-files">
      {images.length > 0 && (
        <div class="sk-thumbs">
          {images.map((a) => (
            <Thumb key={a.id} a={a} cache={cache} t={t} onOpen={() => setOpen(a)} />
          ))}
        </div>
      )}
      {cards.map((a) => (
        <div class="sk-card" key={a.id}>
          <DocIcon kind={kindOf(a.type)} />
          <div class="sk-card-text">
            <FileName class="sk-card-name" name={a.name} />
            <span class="sk-card-meta">
              {typeLabel(a.type)} · {formatSize(a.size, lang)}
            </span>
          </div>
          {!pending && (
            <button type="button" class="sk-card-download" aria-label={t.download(a.name)} title={t.download(a.name)} onClick={() => void cache.download(a)}>
              <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M12 4v11M7 10.5l5 5 5-5M5 20h14" />
              </svg>
            </button>
          )}
        </div>
      ))}
      {open && <Lightbox a={open} cache={cache} t={t} onClose={() => setOpen(undefined)} />}
    </div>
  );
}

function Thumb({ a, cache, t, onOpen }: { a: AttachmentRef; cache: FileCache; t: Texts; onOpen: () => void }) {
  const url = useObjectURL(cache, a.id, true);
  const ratio = a.width && a.height ? `${a.width} / ${a.height}` : '4 / 3';
  return (
    <button type="button" class="sk-thumb" aria-label={t.openImage(a.name)} title={a.name} onClick={onOpen} style={{ aspectRatio: ratio }}>
      {url ? <img src={url} alt={a.name} /> : <span class="sk-thumb-wait">{url === null ? t.fileUnavailable : ''}</span>}
    </button>
  );
}

/** Lightbox shows an image full size over the chat; Escape or a click outside closes it. */
function Lightbox({ a, cache, t, onClose }: { a: AttachmentRef; cache: FileCache; t: Texts; onClose: () => void }) {
  // A browser shows JPEG, PNG, GIF, WebP and the like itself; of a TIFF
  // only the server's thumbnail can be shown.
  const url = useObjectURL(cache, a.id, !inlineImage(a));
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <div class="sk-lightbox" role="dialog" aria-modal="true" aria-label={a.name} onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="sk-lightbox-bar">
        <span class="sk-lightbox-name">{a.name}</span>
        <button type="button" class="sk-icon" aria-label={t.download(a.name)} title={t.download(a.name)} onClick={() => void cache.download(a)}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M12 4v11M7 10.5l5 5 5-5M5 20h14" />
          </svg>
        </button>
        <button type="button" class="sk-icon" ref={close} aria-label={t.closeImage} title={t.closeImage} onClick={onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6 6l12 12M18 6L6 18" />
          </svg>
        </button>
      </div>
      {url ? <img class="sk-lightbox-img" src={url} alt={a.name} /> : <p class="sk-lightbox-wait">{url === null ? t.fileUnavailable : ''}</p>}
    </div>
  );
}
