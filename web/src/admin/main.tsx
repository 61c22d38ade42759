// The administration surface (/admin). A placeholder until the administration
// pages exist: it says so, links onwards and shows who is logged in.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiRequest } from '../common/rest';
import type { User } from '../common/protocol';
import './admin.css';

export function AdminApp() {
  const [user, setUser] = useState<User | null>(null);
  useEffect(() => {
    apiRequest<{ user: User }>('GET', '/api/v1/me')
      .then((r) => setUser(r.user))
      .catch(() => setUser(null));
  }, []);
  return (
    <main class="admin">
      <h1>Skranke administration</h1>
      {user && (
        <p class="who">
          Logged in as <strong>{user.displayName}</strong> ({user.role})
        </p>
      )}
      <p>The administration pages are coming. Until then, everything is available through the REST API.</p>
      <ul>
        <li>
          <a href="/agent">Agent desktop</a>
        </li>
        <li>
          <a href="/api/openapi.yaml">REST API description (OpenAPI)</a>
        </li>
      </ul>
    </main>
  );
}

const root = document.getElementById('app');
if (root) {
  document.title = 'Skranke administration';
  render(<AdminApp />, root);
}
