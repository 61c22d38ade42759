// The texts of the server's reasons about files (sending attachments), in
// English and Norwegian bokmål: the same for the agent desktop and the
// widget, which both spread them into their reasons catalogues.

export const fileReasonsEn = {
  file_too_large: '{name}: the file is larger than {max} MB.',
  file_type: '{name}: only text, PDF and image files can be sent.',
  file_empty: '{name}: the file is empty.',
  chat_files_full: 'You have sent as many files in this chat as you can ({max} MB).',
  too_many_attachments: 'A message can carry at most {max} files.',
  uploads_too_fast: 'You are sending files too fast; try again in {seconds} seconds.',
  image_too_large: '{name}: the image has too many pixels (at most {max} megapixels).',
  image_damaged: '{name}: the image cannot be read.',
  upload_cut_off: '{name}: the upload was cut off; send it again.',
  files_unavailable: 'Files cannot be stored right now; try again.',
};

export const fileReasonsNb: Record<keyof typeof fileReasonsEn, string> = {
  file_too_large: '{name}: filen er større enn {max} MB.',
  file_type: '{name}: bare tekst-, PDF- og bildefiler kan sendes.',
  file_empty: '{name}: filen er tom.',
  chat_files_full: 'Du har sendt så mange filer i denne chatten som du kan ({max} MB).',
  too_many_attachments: 'En melding kan ha høyst {max} filer.',
  uploads_too_fast: 'Du sender filer for raskt; prøv igjen om {seconds} sekunder.',
  image_too_large: '{name}: bildet har for mange piksler (høyst {max} megapiksler).',
  image_damaged: '{name}: bildet kan ikke leses.',
  upload_cut_off: '{name}: opplastingen ble avbrutt; send den på nytt.',
  files_unavailable: 'Filer kan ikke lagres akkurat nå; prøv igjen.',
};
