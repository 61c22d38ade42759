// What every admin page reads: the texts of the chosen language, the API,
// and who is logged in.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { AdminApi } from './api';
import { en, reasonsEn, type Lang, type ReasonKey, type Texts } from './texts';
import type { User } from './types';

export interface Admin {
  t: Texts;
  reasons: Record<ReasonKey, string>;
  lang: Lang;
  api: AdminApi;
  /** The administrator logged in; undefined before login. */
  me?: User;
}

export const AdminContext = createContext<Admin>({ t: en, reasons: reasonsEn, lang: 'en', api: new AdminApi() });

export function useAdmin(): Admin {
  return useContext(AdminContext);
}
