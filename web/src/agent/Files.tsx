// Files on the agent desktop (R12): the paperclip and the files on their
// way in a chat's composer (progress, cancel, retry), and the files of the
// log's messages: images as the server's thumbnails, opening full size in
// a viewer, and PDF and text files as cards with a download link. The
// session cookie goes with every request of the page, so the routes are
// plain URLs here; the server checks each one against who may read the
// chat, as for the log itself.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { accept, formatSize, inlineImage, kindOf, maxFiles, splitName, typeLabel, type Refusal } from '../common/files';
import type { AttachmentRef } from '../common/protocol';
import { UploadQueue, type UploadFailure, type UploadItem } from '../common/upload';
import { useModal, useTexts } from './hooks';
import { fmt, type Texts } from './texts';

/** pageLang is the page's language (main.tsx sets it), for numbers. */
function pageLang(): string {
  return document.documentElement.lang || 'en';
}

/** fileURL is the URL of a chat's file, or of its thumbnail. */
export function fileURL(conversationId: string, id: string, thumbnail = false): string {
  return `/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(id)}${thumbnail ? '/thumbnail' : ''}`;
}

/** useUploads gives a chat's composer its queue, re-rendering on every change. */
export function useUploads(conversationId: string): UploadQueue {
  const [, setVersion] = useState(0);
  const q = useMemo(
    () =>
      new UploadQueue({
        target: { url: `/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments` },
        onChange: () => setVersion((n) => n + 1),
        preview: (f) => URL.createObjectURL(f),
        revoke: (u) => URL.revokeObjectURL(u),
      }),
    [conversationId],
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

/** refusalText says why a file was refused before its upload. */
export function refusalText(r: Refusal, t: Texts): string {
  switch (r.reason) {
    case 'file_type':
      return fmt(t.fileType, { name: r.name });
    case 'file_too_large':
      return fmt(t.fileTooLarge, { name: r.name });
    case 'file_empty':
      return fmt(t.fileEmpty, { name: r.name });
    case 'too_many_attachments':
      return fmt(t.tooManyFiles, { max: maxFiles });
  }
}

/** failureText says why the server did not take a file, by its reason. */
export function failureText(f: UploadFailure, name: string, t: Texts): string {
  const key = (
    {
      file_type: 'fileType',
      file_too_large: 'fileTooLarge',
      file_empty: 'fileEmpty',
      file_not_text: 'fileNotText',
      image_too_large: 'imageTooLarge',
      image_damaged: 'imageDamaged',
      upload_cut_off: 'uploadCutOff',
    } as const
  )[f.reason ?? ''];
  if (key) return fmt(t[key], { name });
  if (f.reason === 'chat_files_full') return fmt(t.chatFilesFull, { max: Number(f.params?.max) || 200 });
  if (f.code === 'too_many_requests') return fmt(t.tooFast, { seconds: f.retryAfter ?? 60 });
  return fmt(t.uploadFailed, { name });
}

function DocIcon({ kind }: { kind: 'pdf' | 'text' | 'image' }) {
  return (
    <svg class={`doc-icon doc-${kind}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M6 2.5h8l4.5 4.5v14.5H6z" />
      <path d="M14 2.5V7h4.5" />
      {kind === 'image' ? <path d="M8.5 17.5l3-3.5 2 2 1.5-1.5 2 3z" /> : <path d="M8.5 12h7M8.5 15h7M8.5 18h4.5" />}
    </svg>
  );
}

/** PaperclipIcon is the attach button's icon. */
export function PaperclipIcon() {
  return (
    <svg class="icon" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d="M20.5 11.5 12.2 19.8a5 5 0 0 1-7-7l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />
    </svg>
  );
}

/** FileName shows a file's name, shortened in its stem so the extension stays in sight. */
function FileName({ name, class: cls }: { name: string; class: string }) {
  const [stem, ext] = splitName(name);
  return (
    <span class={`fname ${cls}`} title={name}>
      <span class="fname-stem">{stem}</span>
      {ext && <span class="fname-ext">{ext}</span>}
    </span>
  );
}

/** AttachButton is the paperclip and its hidden file input. */
export function AttachButton({ disabled, onFiles }: { disabled: boolean; onFiles: (files: File[]) => void }) {
  const t = useTexts();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" class="attach" aria-label={t.attach} title={t.attach} disabled={disabled} onClick={() => input.current?.click()}>
        <PaperclipIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        class="visually-hidden"
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

/** UploadList is the files on their way, above the message input. */
export function UploadList({ q }: { q: UploadQueue }) {
  if (q.items.length === 0) return null;
  return (
    <ul class="uploads">
      {q.items.map((i) => (
        <UploadChip key={i.key} item={i} q={q} />
      ))}
    </ul>
  );
}

function UploadChip({ item, q }: { item: UploadItem; q: UploadQueue }) {
  const t = useTexts();
  const f = item.file;
  const pct = f.size > 0 ? Math.round((item.loaded / f.size) * 100) : 0;
  // A file that only claimed to be an image shows as a document.
  const [broken, setBroken] = useState(false);
  const showPreview = !!item.preview && !broken && !(item.state === 'failed' && !item.error?.retryable);
  return (
    <li class={`upload upload-${item.state}`}>
      {showPreview ? (
        <img class="upload-preview" src={item.preview} alt="" onError={() => setBroken(true)} />
      ) : (
        <DocIcon kind={kindOf(f.type)} />
      )}
      <div class="upload-body">
        <FileName class="upload-name" name={f.name} />
        {item.state === 'uploading' && (
          <div class="progress" role="progressbar" aria-label={f.name} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
            <div class="progress-bar" style={{ width: `${pct}%` }} />
          </div>
        )}
        {item.state === 'done' && <span class="upload-size">{formatSize(f.size, pageLang())}</span>}
        {item.state === 'failed' && item.error && <span class="upload-error">{failureText(item.error, f.name, t)}</span>}
      </div>
      {item.state === 'failed' && item.error?.retryable && (
        <button type="button" class="small" onClick={() => q.retry(item.key)}>
          {t.retryUpload}
        </button>
      )}
      <button type="button" class="upload-remove" aria-label={fmt(t.removeFile, { name: f.name })} title={fmt(t.removeFile, { name: f.name })} onClick={() => q.remove(item.key)}>
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M7 7l10 10M17 7L7 17" />
        </svg>
      </button>
    </li>
  );
}

/**
 * MessageFiles are a message's files in the log; pending ones (on their way
 * with their message) show as cards without links.
 */
export function MessageFiles({ conversationId, files, pending }: { conversationId: string; files: AttachmentRef[]; pending?: boolean }) {
  const t = useTexts();
  const [open, setOpen] = useState<AttachmentRef | undefined>();
  const images = pending ? [] : files.filter((a) => a.thumbnail);
  const cards = pending ? files : files.filter((a) => !a.thumbnail);
  return (
    <div class="files">
      {images.length > 0 && (
        <div class="thumbs">
          {images.map((a) => (
            <button
              type="button"
              key={a.id}
              class="thumb"
              aria-label={fmt(t.openImage, { name: a.name })}
              title={a.name}
              style={{ aspectRatio: a.width && a.height ? `${a.width} / ${a.height}` : '4 / 3' }}
              onClick={() => setOpen(a)}
            >
              <img src={fileURL(conversationId, a.id, true)} alt={a.name} loading="lazy" />
            </button>
          ))}
        </div>
      )}
      {cards.map((a) => (
        <div class="file-card" key={a.id}>
          <DocIcon kind={kindOf(a.type)} />
          <div class="file-card-text">
            <FileName class="file-card-name" name={a.name} />
            <span class="file-card-meta">
              {typeLabel(a.type)} · {formatSize(a.size, pageLang())}
            </span>
          </div>
          {!pending && (
            <a class="file-download" href={fileURL(conversationId, a.id)} download={a.name} aria-label={fmt(t.download, { name: a.name })} title={fmt(t.download, { name: a.name })}>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M12 4v11M7 10.5l5 5 5-5M5 20h14" />
              </svg>
            </a>
          )}
        </div>
      ))}
      {open && <Viewer conversationId={conversationId} a={open} onClose={() => setOpen(undefined)} />}
    </div>
  );
}

/** Viewer shows an image full size, with its download; Escape closes it. */
function Viewer({ conversationId, a, onClose }: { conversationId: string; a: AttachmentRef; onClose: () => void }) {
  const t = useTexts();
  const box = useRef<HTMLDivElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  useModal(box, onClose);
  useEffect(() => close.current?.focus(), []);
  // A browser shows JPEG, PNG, GIF, WebP and the like itself; of a TIFF
  // only the server's thumbnail can be shown.
  const src = fileURL(conversationId, a.id, !inlineImage(a));
  return (
    <div class="viewer" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="viewer-box" role="dialog" aria-modal="true" aria-label={a.name} ref={box}>
        <div class="viewer-bar">
          <span class="viewer-name">{a.name}</span>
          <span class="muted">
            {a.width && a.height ? `${a.width} × ${a.height} · ` : ''}
            {formatSize(a.size, pageLang())}
          </span>
          <span class="spacer" />
          <a class="button-link" href={fileURL(conversationId, a.id)} download={a.name}>
            {t.downloadFile}
          </a>
          <button type="button" ref={close} onClick={onClose}>
            {t.closeImage}
          </button>
        </div>
        <img class="viewer-img" src={src} alt={a.name} />
      </div>
    </div>
  );
}
