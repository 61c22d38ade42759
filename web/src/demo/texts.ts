// The demo website's texts in English and Norwegian (bokmål). /demo/ is
// English; /demo/?lang=nb shows the page and the widget in Norwegian. Both
// dictionaries have the same keys (texts.test.ts checks). A rich text is a
// list whose odd items are shown in bold.

export type Lang = 'en' | 'nb';
export type Rich = string[];

export const en = {
  title: 'Nordlys Energi — a Skranke demo site',
  note: ['This is a ', 'Skranke demo', ': a made-up company website that embeds the Skranke chat widget with one script tag. Nordlys Energi does not exist.'] as Rich,
  navLabel: 'Main',
  navPlans: 'Electricity plans',
  navHelp: 'Help',
  navContact: 'Contact',
  heroTitle: 'Clean power from the north, at an honest price.',
  heroText: 'Hydro and wind power for homes and cabins all over Norway. No binding period, no surprises on the bill.',
  heroCta: 'See our plans',
  spotTitle: 'Spot',
  spotText: 'You pay the hourly market price plus a small fixed markup. Best if you can move your use to cheap hours.',
  spotPrice: '/ kWh, 39 kr a month',
  fixedTitle: 'Fixed 12',
  fixedText: 'The same price every hour for twelve months. Predictable bills, whatever the weather does.',
  fixedPrice: '/ kWh, 49 kr a month',
  cabinTitle: 'Cabin',
  cabinText: 'For holiday homes with low use most of the year. No monthly fee in the months you use nothing.',
  cabinPrice: '/ kWh, 0 kr when idle',
  faqTitle: 'Questions we often get',
  q1: 'How do I move my contract to a new address?',
  a1: 'Tell us the date you move and the meter number at the new place. We handle the rest.',
  q2: 'Why is my bill higher this month?',
  a2: 'Spot prices follow the market. Our sales and support people can go through your use with you in the chat.',
  q3: 'Can I get solar panels through you?',
  a3: 'Yes. Ask Sales in the chat for a free assessment of your roof.',
  contactTitle: 'Talk to us',
  contactText: ['Open the chat button in the lower right corner and choose ', 'Sales', ' or ', 'Support', '. We answer weekdays 08–20.'] as Rich,
  phone: 'Phone: 800 00 000 (not a real number)',
  openChat: 'Open the chat',
  chatStarted: 'Your chat has started. We will answer as soon as we can.',
  chatEnded: 'Your chat has ended. Thank you!',
  footer: 'Nordlys Energi AS is a fictional company. This page demonstrates the Skranke contact-centre chat.',
  // The site's own names of its queues, handed to the widget (data-queue-names).
  queueNames: 'sales=Sales,support=Support',
  signIn: 'Sign in as Kari Nordmann (demo)',
  signedInAs: 'Signed in as Kari Nordmann, customer 10042.',
  signOut: 'Sign out',
};

export type Texts = typeof en;

export const nb: Texts = {
  title: 'Nordlys Energi — en demoside for Skranke',
  note: ['Dette er en ', 'Skranke-demo', ': nettstedet til et oppdiktet selskap, med Skrankes chat-widget lagt inn med én script-tagg. Nordlys Energi finnes ikke.'],
  navLabel: 'Hovedmeny',
  navPlans: 'Strømavtaler',
  navHelp: 'Hjelp',
  navContact: 'Kontakt',
  heroTitle: 'Ren kraft fra nord, til en ærlig pris.',
  heroText: 'Vann- og vindkraft til hjem og hytter over hele Norge. Ingen bindingstid, ingen overraskelser på regningen.',
  heroCta: 'Se avtalene våre',
  spotTitle: 'Spot',
  spotText: 'Du betaler markedsprisen time for time pluss et lite fast påslag. Best hvis du kan flytte forbruket til billige timer.',
  spotPrice: '/ kWh, 39 kr i måneden',
  fixedTitle: 'Fast 12',
  fixedText: 'Samme pris hver time i tolv måneder. Forutsigbare regninger, uansett vær.',
  fixedPrice: '/ kWh, 49 kr i måneden',
  cabinTitle: 'Hytte',
  cabinText: 'For fritidsboliger med lite forbruk det meste av året. Ingen månedsavgift i måneder du ikke bruker strøm.',
  cabinPrice: '/ kWh, 0 kr når den står tom',
  faqTitle: 'Spørsmål vi ofte får',
  q1: 'Hvordan flytter jeg avtalen til en ny adresse?',
  a1: 'Si fra hvilken dato du flytter og målernummeret på det nye stedet. Vi ordner resten.',
  q2: 'Hvorfor er regningen høyere denne måneden?',
  a2: 'Spotprisen følger markedet. Salg og kundeservice kan gå gjennom forbruket ditt sammen med deg i chatten.',
  q3: 'Kan jeg få solcellepaneler gjennom dere?',
  a3: 'Ja. Spør Salg i chatten om en gratis vurdering av taket ditt.',
  contactTitle: 'Snakk med oss',
  contactText: ['Åpne chatknappen nederst til høyre og velg ', 'Salg', ' eller ', 'Kundeservice', '. Vi svarer hverdager 08–20.'],
  phone: 'Telefon: 800 00 000 (ikke et ekte nummer)',
  openChat: 'Åpne chatten',
  chatStarted: 'Chatten har startet. Vi svarer så snart vi kan.',
  chatEnded: 'Chatten er avsluttet. Takk!',
  footer: 'Nordlys Energi AS er et oppdiktet selskap. Denne siden viser kontaktsenter-chatten Skranke.',
  queueNames: 'sales=Salg,support=Kundeservice',
  signIn: 'Logg inn som Kari Nordmann (demo)',
  signedInAs: 'Logget inn som Kari Nordmann, kunde 10042.',
  signOut: 'Logg ut',
};

export const dictionaries: Record<Lang, Texts> = { en, nb };

/** pickLang reads ?lang= (nb, no, nn: Norwegian); English otherwise. */
export function pickLang(search: string): Lang {
  const l = new URLSearchParams(search).get('lang');
  return l === 'nb' || l === 'no' || l === 'nn' ? 'nb' : 'en';
}
