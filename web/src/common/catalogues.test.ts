// Every catalogue of texts (R21): each surface's texts and its texts of the
// server's reasons, in English and Norwegian bokmål. A key missing in one
// language, an empty text, or a placeholder in one language and not the
// other fails here, whichever surface it belongs to. The second part scans
// the components: a user-visible text written into a .tsx file (a JSX text
// node, or a literal aria-label, title, placeholder or alt) instead of read
// from a catalogue fails too.

import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import * as agent from '../agent/texts';
import * as admin from '../admin/texts';
import * as supervisor from '../supervisor/texts';
import * as widget from '../widget/texts';
import * as demo from '../demo/texts';
import * as fileReasons from './fileReasons';
import serverReasons from './reasons.en.json';
import { clientReasons } from './errors';

type Catalogue = { en: Record<string, unknown>; nb: Record<string, unknown> };

const catalogues: Record<string, Catalogue> = {
  'agent desktop': agent.dictionaries,
  'agent desktop, reasons': agent.reasonTexts,
  admin: { en: admin.dictionaries.en.texts, nb: admin.dictionaries.nb.texts },
  'admin, reasons': { en: admin.dictionaries.en.reasons, nb: admin.dictionaries.nb.reasons },
  supervisor: supervisor.dictionaries,
  'supervisor, reasons': supervisor.reasonTexts,
  widget: widget.dictionaries,
  'widget, reasons': widget.reasonTexts,
  'files, reasons': { en: fileReasons.fileReasonsEn, nb: fileReasons.fileReasonsNb },
  'demo site': demo.dictionaries,
};

function placeholders(v: unknown): string[] {
  return typeof v === 'string' ? (v.match(/\{\w+\}/g) ?? []).sort() : [];
}

describe('catalogues', () => {
  for (const [name, c] of Object.entries(catalogues)) {
    it(`${name}: every key in both languages, filled in, with the same placeholders`, () => {
      const missingNb = Object.keys(c.en).filter((k) => !Object.hasOwn(c.nb, k));
      const missingEn = Object.keys(c.nb).filter((k) => !Object.hasOwn(c.en, k));
      expect(missingNb, `${name}: missing in nb`).toEqual([]);
      expect(missingEn, `${name}: missing in en`).toEqual([]);
      for (const k of Object.keys(c.en)) {
        const en = c.en[k];
        const nb = c.nb[k];
        expect(typeof nb, `${name}.${k}`).toBe(typeof en);
        for (const v of [en, nb]) {
          if (typeof v === 'string') expect(v.trim(), `${name}.${k}`).not.toBe('');
          if (Array.isArray(v)) expect(v.join('').trim(), `${name}.${k}`).not.toBe('');
        }
        expect(placeholders(nb), `${name}.${k}`).toEqual(placeholders(en));
      }
    });
  }
});

describe('reasons', () => {
  // The server's reasons, and those the browser gives when the server cannot.
  const server: Record<string, string> = { ...serverReasons, ...clientReasons };
  for (const [name, c] of Object.entries(catalogues).filter(([n]) => n.endsWith('reasons'))) {
    // A text may leave a parameter out (the admin pages show the field
    // beside the text) but never name one the server does not send.
    it(`${name}: each a reason of the server, naming only its parameters`, () => {
      for (const [reason, text] of Object.entries(c.en)) {
        expect(Object.hasOwn(server, reason), `${name}: ${reason} is not in reasons.en.json`).toBe(true);
        const params = placeholders(server[reason]);
        expect(placeholders(text).filter((p) => !params.includes(p)), `${name}.${reason}`).toEqual([]);
      }
    });
  }
  it('what supervisors meet has a Norwegian text', () => {
    for (const reason of ['supervisors_only', 'not_monitoring', 'take_over_not_active', 'chat_not_waiting', 'chat_priority_out_of_range']) {
      expect(Object.keys(supervisor.reasonTexts.nb), reason).toContain(reason);
    }
  });
});

// The scan of the components.

const root = join(__dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.tsx') && !p.endsWith('.test.tsx')) out.push(p);
  }
  return out;
}

// Attributes a person reads or hears.
const visibleAttributes = new Set(['aria-label', 'aria-description', 'aria-placeholder', 'aria-roledescription', 'aria-valuetext', 'title', 'placeholder', 'alt', 'label']);

// Texts that are the same in every language: the product's name, the
// languages' own names in the language switches, the admin pages' logo
// letter and the widget preview's contrast sample (both aria-hidden).
// Anything without a letter (symbols, numbers, punctuation) is allowed.
const allowed = ['Skranke', 'English', 'Norsk bokmål', 'Norsk', 'S', 'Aa'];

function isText(s: string): boolean {
  let rest = s.replace(/\s+/g, ' ').trim();
  if (allowed.includes(rest)) return false;
  for (const a of allowed.filter((w) => w.length > 2)) rest = rest.replaceAll(a, '');
  return /\p{L}/u.test(rest);
}

/** hardCoded returns "file:line: text" for each user-visible text written into the source. */
function hardCoded(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const at = (n: ts.Node, text: string) => {
    const { line } = src.getLineAndCharacterOfPosition(n.getStart(src));
    found.push(`${relative(root, file)}:${line + 1}: ${text.replace(/\s+/g, ' ').trim()}`);
  };
  // A string literal in an expression that is a JSX child (or an attribute's
  // value): {'Text'}, {ok ? 'Yes' : 'No'}, {a ?? 'none'}.
  const literals = (e: ts.Node | undefined) => {
    if (!e) return;
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
      if (isText(e.text)) at(e, e.text);
    } else if (ts.isConditionalExpression(e)) {
      literals(e.whenTrue);
      literals(e.whenFalse);
    } else if (ts.isBinaryExpression(e)) {
      // a ?? 'text', a || 'text', ok && 'text'; never a comparison.
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) literals(e.left);
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.AmpersandAmpersandToken) literals(e.right);
    } else if (ts.isParenthesizedExpression(e)) {
      literals(e.expression);
    }
  };
  const visit = (n: ts.Node) => {
    if (ts.isJsxText(n) && isText(n.text)) at(n, n.text);
    if (ts.isJsxExpression(n) && n.parent && (ts.isJsxElement(n.parent) || ts.isJsxFragment(n.parent))) literals(n.expression);
    if (ts.isJsxAttribute(n) && visibleAttributes.has(n.name.getText(src))) {
      const v = n.initializer;
      if (v && ts.isStringLiteral(v)) {
        if (isText(v.text)) at(v, v.text);
      } else if (v && ts.isJsxExpression(v)) literals(v.expression);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

describe('components', () => {
  it('read every text a user sees or hears from a catalogue', () => {
    const files = sources(root);
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap(hardCoded)).toEqual([]);
  });

  it('the scan finds texts written into a component', () => {
    // The scan itself, on a component written the wrong way: it must
    // report each kind of text it looks for.
    const file = join(__dirname, 'catalogues.fixture.tsx.txt');
    expect(hardCoded(file).map((s) => s.replace(/^.*?: /, ''))).toEqual([
      'Send message',
      'Close',
      'Search…',
      'Picture of the agent',
      'Cancel',
      'Yes',
      'No',
    ]);
  });
});
