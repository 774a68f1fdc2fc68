// Every public page, as the demo loads it: the accessibility scans (desktop, both languages, and
// a phone without script) go through this one list.
export const publicPages = [
  '/',
  '/login',
  '/login/forgot',
  // the API's guide (long preformatted examples: they must scroll in their box on a phone)
  '/api',
  // the open data catalogue (every dataset, its columns in disclosure widgets)
  '/data',
  // the public figures: a bar chart per day and one per node, each with its table
  '/stats',
  // one search box over the public records, results grouped by kind with marked words
  '/search?q=sesi%C3%B3n',
  '/register',
  '/register/sent',
  '/collectives',
  '/collectives/academico',
  // the demo's network, a node with a month of samples (its charts) and the one down
  '/network',
  '/network/nodes/1',
  '/network/nodes/6?span=30d',
  // the demo's projects: the list, the open call, a stalled proof of concept, an MVP with its
  // metric chart, a closed project with its lessons
  '/projects',
  '/projects/calls/1',
  '/projects/4',
  '/projects/6',
  '/projects/8',
  '/councils',
  '/councils/nominations',
  '/calls',
  // the demo's open call and its open renewal vote
  '/calls/1',
  '/votes',
  '/votes/1',
  '/meetings',
  // the demo's past meeting, its approved minutes and an agreement; the upcoming meeting
  '/meetings/1',
  '/meetings/1/minutes',
  '/agreements/1',
  '/meetings/2',
  '/decisions',
  '/reports',
  // the report calendar's compliance table and a filed report
  '/reporting',
  '/reporting/reports/1',
  // the ethics code in force, the changes of its second version, the security protocol
  '/ethics',
  '/ethics/diff?from=1&to=2',
  '/security-protocol',
  '/ethics/complaints',
  // the demo's concluded consultation: draft and final side by side, answers by theme
  '/consultations',
  '/consultations/1',
  '/v',
  // a record page: the minutes' decision, found through the lookup its PDF's QR code leads to
  '/v/lookup?source=portal&kind=governance.minutes-approved&ref=meeting/1/minutes',
  '/integrity',
  '/no-such-page',
];

// The pages scanned again in English and at a phone's width: one of each layout (a form, wide
// tables, charts, a document with its differences, a record page). The scans find the same markup
// in both languages and at both widths, and each one costs two seconds of CI, so the whole list
// is scanned once (Spanish, desktop) and these again; every page's width is checked on the phone.
export const samplePages = [
  '/',
  '/login',
  '/network',
  '/network/nodes/1',
  '/projects/6',
  '/councils',
  '/meetings/1',
  '/reporting',
  '/ethics/diff?from=1&to=2',
  '/consultations/1',
  '/v/lookup?source=portal&kind=governance.minutes-approved&ref=meeting/1/minutes',
  '/no-such-page',
];
