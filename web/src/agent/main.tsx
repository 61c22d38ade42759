// Entry of the agent desktop (/agent).

import { render } from 'preact';
import { App } from './App';
import { AgentClient } from './client';
import { dictionaries, pickLanguage, reasonTexts } from './texts';
import './agent.css';

const lang = pickLanguage(location.search);
document.documentElement.lang = lang;
const texts = dictionaries[lang];
document.title = texts.appTitle;

const client = new AgentClient({ reasons: reasonTexts[lang] });
// Come back at once when the network returns, instead of waiting out the backoff.
window.addEventListener('online', () => client.reconnectNow());

const root = document.getElementById('app');
if (root) render(<App client={client} texts={texts} />, root);
